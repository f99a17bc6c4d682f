// Every alternative of a OneOf must fit the outer layer.
// expect: Ethernet<Inner>: Inner must be a layer with an EtherType
#include <strata/layer/arp.hpp>
#include <strata/layer/decode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/tcp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::Ethernet<strata::OneOf<strata::ARP, strata::TCP<>>>>(bytes);
    return static_cast<int>(d.depth());
}
