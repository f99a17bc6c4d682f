// A UDP stack never holds a TCP header: asking for one is a mistake the
// compiler reports, not a null view at run time.
// expect: the stack cannot contain this layer
#include <strata/layer/decode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::Ethernet<strata::IPv4<strata::UDP<>>>>(bytes);
    return d.get<strata::TCP>().src_port();
}
