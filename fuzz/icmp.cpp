// ICMPv4 messages and the IPv4 datagram quoted by error messages.
// Input: the ICMP message (the IPv4 payload).
#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto v = IcmpView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(size < icmp_header_len);
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        return 0;
    }
    fuzz::keep(to_string(v->type()));
    fuzz::keep(v->code());
    fuzz::keep(v->checksum());
    fuzz::keep(v->rest_of_header());
    fuzz::keep(v->identifier());
    fuzz::keep(v->sequence());
    fuzz::keep(v->next_hop_mtu());
    fuzz::keep(v->gateway());
    fuzz::keep(v->pointer());
    fuzz::keep(v->verify_checksum());
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == size);
    STRATA_FUZZ_CHECK(fuzz::same_bytes(v->quoted(), v->payload()));

    // An error message quotes an IPv4 header and some of its data.
    if (v->is_error()) {
        if (auto q = Ipv4View<>::checked_quote(v->quoted())) {
            STRATA_FUZZ_CHECK(fuzz::within(q->header(), in));
            STRATA_FUZZ_CHECK(fuzz::within(q->payload(), in));
            fuzz::keep(q->protocol());
            fuzz::keep(q->verify_checksum());
            auto qr = Ipv4Repr::parse(*q);
            STRATA_FUZZ_CHECK(qr.has_value());
        } else {
            STRATA_FUZZ_CHECK(fuzz::well_formed(q.error()));
        }
    }

    auto r = IcmpRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    STRATA_FUZZ_CHECK(r->type() == v->type());
    STRATA_FUZZ_CHECK(r->buffer_len() == size);
    std::vector<Byte> out(r->buffer_len());
    r->emit(IcmpView<Byte>::unchecked(out));
    auto back = IcmpView<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->verify_checksum());
    auto again = IcmpRepr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value() && *again == *r);
    // A message whose checksum verified still verifies after the round trip
    // with the same checksum (it is a function of the bytes).
    if (v->verify_checksum())
        STRATA_FUZZ_CHECK(back->checksum() == v->checksum() ||
                          (v->checksum() == 0xffff && back->checksum() == 0) ||
                          (v->checksum() == 0 && back->checksum() == 0xffff));
    // Each repr holds every header bit it was parsed from: the bytes come
    // back except the checksum.
    std::vector<Byte> a(in.begin(), in.end());
    a[2] = a[3] = out[2] = out[3] = 0;
    STRATA_FUZZ_CHECK(a == out);
    return 0;
}
