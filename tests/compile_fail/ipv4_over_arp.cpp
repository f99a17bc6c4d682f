// ARP has an EtherType, not an IP protocol number.
// expect: IPv4<Inner>: Inner must be a layer with an IP protocol number
#include <strata/layer/arp.hpp>
#include <strata/layer/decode.hpp>
#include <strata/layer/ipv4.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::IPv4<strata::ARP>>(bytes);
    return static_cast<int>(d.depth());
}
