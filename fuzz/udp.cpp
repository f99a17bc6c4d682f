// UDP header, length, checksum with the IPv4 pseudo-header, NAT rewrites.
// Input: the UDP datagram (the IPv4 payload). The pseudo-header addresses
// are fixed: the checksum's arithmetic is what is exercised, not the values.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/udp.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {
constexpr Ipv4Address src_a{0xc0000201u}; // 192.0.2.1
constexpr Ipv4Address dst_a{0xc6336402u}; // 198.51.100.2
constexpr Ipv4Address nat_a{0xcb00710au}; // 203.0.113.10
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto v = UdpView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        return 0;
    }
    fuzz::keep(v->src_port());
    fuzz::keep(v->dst_port());
    fuzz::keep(v->has_checksum());
    fuzz::keep(v->verify_checksum(src_a, dst_a));
    // checked() trims to the length field.
    STRATA_FUZZ_CHECK(v->bytes().size() == v->length());
    STRATA_FUZZ_CHECK(v->length() <= size);
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == v->length());

    auto r = UdpRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    STRATA_FUZZ_CHECK(r->payload_len == v->payload().size());
    std::vector<Byte> out(r->buffer_len() + r->payload_len);
    std::copy(v->payload().begin(), v->payload().end(), out.begin() + 8);
    r->emit(UdpView<Byte>::unchecked(out), src_a, dst_a);
    auto back = UdpView<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->has_checksum()); // 0 is sent as 0xffff (RFC 768)
    STRATA_FUZZ_CHECK(back->verify_checksum(src_a, dst_a));
    auto again = UdpRepr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value() && *again == *r);
    // Header bytes other than the checksum come back.
    STRATA_FUZZ_CHECK(fuzz::same_bytes(Bytes(out).first(6), v->header().first(6)));

    // NAT: incremental updates (RFC 1624) agree with a full recomputation.
    const UdpView<Byte> m = UdpView<Byte>::unchecked(out);
    m.rewrite_src_port(Port{static_cast<std::uint16_t>(v->dst_port().value() ^ 0x1234)});
    m.rewrite_dst_port(v->src_port());
    m.rewrite_pseudo_header_address(src_a, nat_a);
    STRATA_FUZZ_CHECK(m.verify_checksum(nat_a, dst_a));
    const std::uint16_t incremental = m.checksum();
    m.fill_checksum(nat_a, dst_a);
    // One's complement has two zeros; the value sent is never 0.
    STRATA_FUZZ_CHECK(incremental == m.checksum() ||
                      (incremental == 0xffff && m.checksum() == 0xffff));
    return 0;
}
