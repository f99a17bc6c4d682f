// decode<> of the broadest OneOf stack the library composes: every layer
// descriptor, both PPPoE stages, VLAN and QinQ tags, DNS and HTTP by port.
// Input: a whole Ethernet frame (no FCS). Invariants: the decoded chain and
// the error are consistent (depth, offsets within the frame, rest() inside
// the frame), every decoded view's bytes lie in the input, and decode_mut
// over a copy finds the same layers.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/layers.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

using Ip = IPv4<OneOf<TCP<OneOf<HTTP>>, UDP<OneOf<DNS>>, ICMP>>;
using Tagged = Dot1Q<OneOf<Ip, ARP, PPPoE<PPP<OneOf<LCP, IPCP, PAP, CHAP, Ip>>>>>;
using Broadest = Ethernet<
    OneOf<ARP, Ip, Dot1Q<OneOf<Ip, ARP, Tagged>>, PPPoE<PPP<OneOf<LCP, IPCP, PAP, CHAP, Ip>>>>>;

template <class D>
void check_chain(D& d, Bytes frame) {
    std::size_t layers = 0;
    d.visit([&](auto, const auto& view) {
        ++layers;
        const auto b = view.bytes();
        STRATA_FUZZ_CHECK(fuzz::within(Bytes(b.data(), b.size()), frame));
    });
    STRATA_FUZZ_CHECK(layers == d.depth());
    const auto rest = d.rest();
    STRATA_FUZZ_CHECK(fuzz::within(Bytes(rest.data(), rest.size()), frame));
    if (!d.ok()) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(d.error()));
        STRATA_FUZZ_CHECK(d.error().offset <= frame.size());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes frame(data, size);
    auto d = decode<Broadest>(frame);
    check_chain(d, frame);

    std::vector<Byte> copy(frame.begin(), frame.end());
    auto m = decode_mut<Broadest>(MutBytes(copy));
    check_chain(m, Bytes(copy));
    STRATA_FUZZ_CHECK(m.depth() == d.depth());
    STRATA_FUZZ_CHECK(m.ok() == d.ok());
    STRATA_FUZZ_CHECK(m.has<IPv4>() == d.has<IPv4>());
    STRATA_FUZZ_CHECK(m.has<HTTP>() == d.has<HTTP>());
    if (auto* ip = m.find<IPv4>()) {
        // A router's edit on whatever decoded: the header checksum must stay
        // consistent with a full recompute when it was valid before.
        const bool valid = ip->verify_checksum();
        if (ip->ttl() > 0) ip->decrement_ttl();
        STRATA_FUZZ_CHECK(ip->verify_checksum() == valid);
    }
    return 0;
}
