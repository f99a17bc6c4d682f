// ARP over Ethernet/IPv4. Input: the Ethernet payload.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/arp.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto v = ArpView<>::checked(in);
    // ArpRepr::parse repeats the checks on an unchecked view: same verdict.
    if (size >= arp_packet_len) {
        auto via_unchecked = ArpRepr::parse(ArpView<>::unchecked(in));
        STRATA_FUZZ_CHECK(via_unchecked.has_value() == v.has_value());
        if (!v) STRATA_FUZZ_CHECK(via_unchecked.error() == v.error());
    }
    if (!v) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        STRATA_FUZZ_CHECK(v.error().layer == "arp");
        return 0;
    }
    STRATA_FUZZ_CHECK(v->hardware_type() == arp_htype_ethernet);
    STRATA_FUZZ_CHECK(v->protocol_type() == EtherType::ipv4);
    STRATA_FUZZ_CHECK(v->hardware_len() == 6 && v->protocol_len() == 4);
    fuzz::keep(to_string(v->operation()));
    fuzz::keep(v->sender_hardware_addr());
    fuzz::keep(v->sender_protocol_addr());
    fuzz::keep(v->target_hardware_addr());
    fuzz::keep(v->target_protocol_addr());
    STRATA_FUZZ_CHECK(v->header().size() == arp_packet_len);
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == size);

    auto r = ArpRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    std::vector<Byte> out(r->buffer_len());
    r->emit(ArpView<Byte>::unchecked(out));
    // Every field of the 28 bytes is held by the repr: emit gives them back.
    STRATA_FUZZ_CHECK(fuzz::same_bytes(out, v->header()));
    auto back = ArpView<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    auto again = ArpRepr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value() && *again == *r);
    return 0;
}
