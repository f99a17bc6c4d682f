// PPPoE (RFC 2516): header, discovery TAGs, the per-code checks of
// validate(), the discovery repr, and the session payload (a PPP frame).
// Input: the Ethernet payload from the PPPoE header; code 0 (session data)
// is treated as the session stage, any other code as discovery.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/ppp/pppoe_discovery.hpp>

#include "ppp_checks.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto v = PppoeView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        return 0;
    }
    STRATA_FUZZ_CHECK(v->version() == pppoe_version && v->type() == pppoe_type);
    fuzz::keep(to_string(v->code()));
    fuzz::keep(v->session_id());
    STRATA_FUZZ_CHECK(v->payload().size() == v->length());
    STRATA_FUZZ_CHECK(fuzz::within(v->payload(), in));

    auto hdr = PppoeRepr::parse(*v);
    STRATA_FUZZ_CHECK(hdr.has_value());
    {
        std::vector<Byte> out(hdr->buffer_len());
        hdr->emit(PppoeView<Byte>::unchecked(out));
        STRATA_FUZZ_CHECK(fuzz::same_bytes(out, v->header()));
    }

    const PppoeStage stage =
        v->code() == PppoeCode::session_data ? PppoeStage::session : PppoeStage::discovery;
    fuzz::keep(to_string(stage));
    if (auto e = validate(*v, stage)) STRATA_FUZZ_CHECK(fuzz::well_formed(*e));

    if (stage == PppoeStage::session) {
        fuzz::check_ppp_frame(v->payload());
        return 0;
    }

    // Discovery: TAGs.
    const PppoeTags tags = v->tags();
    const auto tag_error = tags.error();
    std::size_t walked = 0;
    for (const PppoeTag t : tags) {
        STRATA_FUZZ_CHECK(fuzz::within(t.bytes(), v->payload()));
        STRATA_FUZZ_CHECK(t.value().size() == t.length());
        STRATA_FUZZ_CHECK(t.offset() >= pppoe_field::header_len);
        fuzz::keep(to_string(t.type()));
        fuzz::keep(t.text());
        fuzz::keep(t.is_error());
        STRATA_FUZZ_CHECK(tags.find(t.type()).has_value());
        STRATA_FUZZ_CHECK(tags.count(t.type()) >= 1);
        ++walked;
    }
    fuzz::keep(walked);

    auto r = PppoeDiscoveryRepr::parse(*v);
    if (tag_error) STRATA_FUZZ_CHECK(!r);
    if (!r) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
        return 0;
    }
    // emit → parse gives the repr back (first TAG of each kind is kept).
    if (r->payload_len() > 0xffff) return 0;
    std::vector<Byte> out(r->buffer_len());
    r->emit(PppoeView<Byte>::unchecked(out));
    auto back = PppoeView<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->length() == r->payload_len());
    STRATA_FUZZ_CHECK(!back->tags().error());
    auto again = PppoeDiscoveryRepr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value() && *again == *r);
    return 0;
}
