// Ethernet<IPv4<TCP<HTTP>>> holds one IPv4 header: there is no second one
// (index 1) to ask for.
// expect: the stack cannot contain this layer
#include <strata/layer/decode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/tcp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::Ethernet<strata::IPv4<strata::TCP<strata::HTTP>>>>(bytes);
    return d.get<strata::IPv4, 1>().ttl();
}
