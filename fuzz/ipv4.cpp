// IPv4 header, options, checksum, rewrites, and the ICMP quote helper.
// Input: the IPv4 datagram (the Ethernet payload).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <range/v3/range/access.hpp>

#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/ipv4_options.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

void getters(const Ipv4View<>& v, Bytes in) {
    STRATA_FUZZ_CHECK(v.version() == 4);
    STRATA_FUZZ_CHECK(v.ihl() >= 5 && v.header_len() == std::size_t{v.ihl()} * 4);
    STRATA_FUZZ_CHECK(v.dscp() <= 63 && v.ecn() <= 3);
    fuzz::keep(v.ident());
    fuzz::keep(v.reserved_flag());
    fuzz::keep(v.dont_frag());
    fuzz::keep(v.more_frags());
    STRATA_FUZZ_CHECK(v.frag_offset() == std::uint32_t{v.frag_offset_raw()} * 8);
    fuzz::keep(v.is_fragment());
    fuzz::keep(v.is_first_fragment());
    fuzz::keep(v.ttl());
    fuzz::keep(v.protocol());
    fuzz::keep(v.checksum());
    fuzz::keep(v.src());
    fuzz::keep(v.dst());
    STRATA_FUZZ_CHECK(v.header().size() == v.header_len());
    STRATA_FUZZ_CHECK(v.options_bytes().size() == v.header_len() - ipv4_min_header_len);
    STRATA_FUZZ_CHECK(fuzz::within(v.payload(), in));
    STRATA_FUZZ_CHECK(v.header_len() + v.payload().size() <= v.total_len());
    // Options: every option lies inside the option area, NOPs are one byte,
    // others carry their length byte (RFC 791 §3.1).
    std::size_t seen = 0;
    for (const Ipv4Option<const Byte> o : v.options()) {
        if (o.type == ipv4_option::nop) {
            STRATA_FUZZ_CHECK(o.length == 1 && o.data.empty());
        } else {
            STRATA_FUZZ_CHECK(o.length >= 2 && o.data.size() == o.length - 2u);
            STRATA_FUZZ_CHECK(fuzz::within(o.data, v.options_bytes()));
        }
        fuzz::keep(o.copied());
        fuzz::keep(o.option_class());
        fuzz::keep(o.number());
        seen += o.length;
        STRATA_FUZZ_CHECK(seen <= v.options_bytes().size());
    }
    fuzz::keep(v.verify_checksum());
}

// parse → emit → parse gives the same repr, and the emitted header verifies.
void round_trip(const Ipv4View<>& v) {
    auto r = Ipv4Repr::parse(v);
    STRATA_FUZZ_CHECK(r.has_value());
    STRATA_FUZZ_CHECK(r->options_len == v.options_bytes().size());
    STRATA_FUZZ_CHECK(r->header_len() == v.header_len());
    std::vector<Byte> out(r->total_len());
    r->emit(Ipv4View<Byte>::unchecked(out));
    auto back = Ipv4View<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->verify_checksum());
    auto again = Ipv4Repr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value());
    // The reserved flag is not part of the repr (emit writes 0); everything
    // else is.
    STRATA_FUZZ_CHECK(*again == *r);
    // The header bytes match the input except flags' reserved bit and the
    // checksum.
    std::vector<Byte> a(v.header().begin(), v.header().end());
    std::vector<Byte> b(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r->header_len()));
    a[6] &= 0x7f;
    a[10] = a[11] = b[10] = b[11] = 0;
    STRATA_FUZZ_CHECK(a == b);

    // Incremental rewrites keep a valid checksum valid (RFC 1624).
    const Ipv4View<Byte> m = Ipv4View<Byte>::unchecked(out);
    m.rewrite_ttl(static_cast<std::uint8_t>(v.ttl() ^ 0x5a));
    STRATA_FUZZ_CHECK(m.verify_checksum());
    fuzz::keep(m.decrement_ttl());
    STRATA_FUZZ_CHECK(m.verify_checksum());
    m.rewrite_tos(static_cast<std::uint8_t>(~v.tos()));
    STRATA_FUZZ_CHECK(m.verify_checksum());
    m.rewrite_src(v.dst());
    m.rewrite_dst(v.src());
    STRATA_FUZZ_CHECK(m.verify_checksum());
    STRATA_FUZZ_CHECK(m.src() == v.dst() && m.dst() == v.src());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto whole = Ipv4View<>::checked(in);
    auto quote = Ipv4View<>::checked_quote(in);
    // A whole datagram is also a valid quote.
    if (whole) STRATA_FUZZ_CHECK(quote.has_value());
    // Ipv4Repr::parse on an unchecked view repeats checked_quote's checks.
    if (size >= ipv4_min_header_len) {
        auto r = Ipv4Repr::parse(Ipv4View<>::unchecked(in));
        STRATA_FUZZ_CHECK(r.has_value() == quote.has_value());
    }
    if (!quote) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(quote.error()));
        STRATA_FUZZ_CHECK(!whole);
        return 0;
    }
    getters(*quote, in);
    if (whole) {
        STRATA_FUZZ_CHECK(whole->payload().size() == whole->total_len() - whole->header_len());
        round_trip(*whole);
    } else {
        STRATA_FUZZ_CHECK(fuzz::well_formed(whole.error()));
    }
    // What an ICMP error would quote: the header and up to 8 data bytes,
    // itself a valid quote.
    for (std::size_t n : {std::size_t{0}, std::size_t{8}, std::size_t{64}, size}) {
        const Bytes q = icmp_quote(*quote, n);
        STRATA_FUZZ_CHECK(fuzz::within(q, in));
        STRATA_FUZZ_CHECK(q.size() >= quote->header_len());
        auto qv = Ipv4View<>::checked_quote(q);
        STRATA_FUZZ_CHECK(qv.has_value());
        STRATA_FUZZ_CHECK(qv->src() == quote->src() && qv->dst() == quote->dst());
    }
    return 0;
}
