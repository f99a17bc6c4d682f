// Ethernet II header, 802.1Q / QinQ tags and the FCS helpers.
// Input: a whole frame (no FCS), starting at the destination MAC.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/dot1q.hpp>
#include <strata/wire/ethernet.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

void vlan_tags(EtherType t, Bytes rest) {
    // QinQ stacks two tags; more are legal on the wire, and the loop walks
    // at most eight (the input bounds it anyway).
    for (int depth = 0; is_vlan_tag(t) && depth < 8; ++depth) {
        auto q = Dot1QView<>::checked(rest);
        if (!q) {
            STRATA_FUZZ_CHECK(rest.size() < dot1q_header_len);
            STRATA_FUZZ_CHECK(fuzz::well_formed(q.error()));
            return;
        }
        fuzz::keep(q->tci());
        STRATA_FUZZ_CHECK(q->pcp() <= 7);
        STRATA_FUZZ_CHECK(q->vlan_id() <= 4095);
        STRATA_FUZZ_CHECK(q->tci() == ((q->pcp() << 13) | (q->dei() ? 0x1000 : 0) | q->vlan_id()));
        STRATA_FUZZ_CHECK(q->header().size() + q->payload().size() == rest.size());

        auto r = Dot1QRepr::parse(*q);
        STRATA_FUZZ_CHECK(r.has_value());
        std::vector<Byte> out(r->buffer_len());
        r->emit(Dot1QView<Byte>::unchecked(out));
        STRATA_FUZZ_CHECK(fuzz::same_bytes(out, q->header()));
        auto again = Dot1QRepr::parse(*Dot1QView<>::checked(Bytes(out)));
        STRATA_FUZZ_CHECK(again.has_value() && *again == *r);

        t = q->ethertype();
        rest = q->payload();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};

    // FCS helpers accept anything.
    fuzz::keep(ethernet_verify_fcs(in));
    if (auto s = ethernet_strip_fcs(in)) STRATA_FUZZ_CHECK(s->size() + ethernet_fcs_len == size);

    auto v = EthernetView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(size < ethernet_header_len);
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        return 0;
    }
    fuzz::keep(v->dst());
    fuzz::keep(v->src());
    fuzz::keep(v->ethertype());
    STRATA_FUZZ_CHECK(v->header_len() == ethernet_header_len);
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == size);

    auto r = EthernetRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    STRATA_FUZZ_CHECK(r->dst == v->dst() && r->src == v->src() && r->ethertype == v->ethertype());
    std::vector<Byte> out(r->buffer_len());
    r->emit(EthernetView<Byte>::unchecked(out));
    STRATA_FUZZ_CHECK(fuzz::same_bytes(out, v->header()));
    auto again = EthernetRepr::parse(*EthernetView<>::checked(Bytes(out)));
    STRATA_FUZZ_CHECK(again.has_value() && *again == *r);

    vlan_tags(v->ethertype(), v->payload());

    // Appending an FCS makes a frame that verifies and strips back to itself.
    std::vector<Byte> framed(size + ethernet_fcs_len);
    std::copy(in.begin(), in.end(), framed.begin());
    auto n = ethernet_append_fcs(framed, size);
    STRATA_FUZZ_CHECK(n.has_value() && *n == framed.size());
    STRATA_FUZZ_CHECK(ethernet_verify_fcs(framed));
    auto stripped = ethernet_strip_fcs(Bytes(framed));
    STRATA_FUZZ_CHECK(stripped.has_value() && fuzz::same_bytes(*stripped, in));
    // One flipped bit must break the CRC (CRC-32 detects every 1-bit error).
    framed[size / 2] ^= 0x01;
    STRATA_FUZZ_CHECK(!ethernet_verify_fcs(framed));

    // Padding to the minimum frame size.
    std::vector<Byte> padded(size < ethernet_min_frame_len ? ethernet_min_frame_len : size);
    std::copy(in.begin(), in.end(), padded.begin());
    auto p = ethernet_pad(padded, size);
    STRATA_FUZZ_CHECK(p.has_value());
    STRATA_FUZZ_CHECK(*p == (size < ethernet_min_frame_len ? ethernet_min_frame_len : size));
    return 0;
}
