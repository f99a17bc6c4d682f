// TCP header, options, checksum with the IPv4 pseudo-header, NAT rewrites.
// Input: the TCP segment (the IPv4 payload). Pseudo-header addresses are
// fixed, as in the UDP target.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/wire/tcp.hpp>
#include <strata/wire/tcp_options.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {
constexpr Ipv4Address src_a{0xc0000201u}; // 192.0.2.1
constexpr Ipv4Address dst_a{0xc6336402u}; // 198.51.100.2
constexpr Ipv4Address nat_a{0xcb00710au}; // 203.0.113.10

void options(const TcpView<>& v) {
    std::size_t seen = 0;
    for (const TcpOption o : v.options()) {
        STRATA_FUZZ_CHECK(fuzz::within(o.bytes(), v.option_bytes()));
        STRATA_FUZZ_CHECK(o.size() >= 1);
        fuzz::keep(to_string(o.kind()));
        fuzz::keep(o.data());
        switch (o.kind()) {
        case TcpOptionKind::mss:
            STRATA_FUZZ_CHECK(o.size() == tcp_option_len::mss);
            fuzz::keep(o.mss());
            break;
        case TcpOptionKind::window_scale:
            STRATA_FUZZ_CHECK(o.size() == tcp_option_len::window_scale);
            fuzz::keep(o.window_scale());
            break;
        case TcpOptionKind::timestamps:
            STRATA_FUZZ_CHECK(o.size() == tcp_option_len::timestamps);
            fuzz::keep(o.timestamps());
            break;
        case TcpOptionKind::sack:
            STRATA_FUZZ_CHECK(o.sack_count() >= 1 &&
                              o.sack_count() <= tcp_option_len::max_sack_blocks);
            for (std::size_t i = 0; i < o.sack_count(); ++i)
                fuzz::keep(o.sack_block(i));
            break;
        default:
            break;
        }
        seen += o.size();
    }
    STRATA_FUZZ_CHECK(seen <= v.option_bytes().size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    auto v = TcpView<>::checked(in);
    if (!v) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(v.error()));
        return 0;
    }
    fuzz::keep(v->src_port());
    fuzz::keep(v->dst_port());
    fuzz::keep(v->seq_number());
    fuzz::keep(v->ack_number());
    const TcpFlags f = v->flags();
    STRATA_FUZZ_CHECK(f.fin() == v->fin() && f.syn() == v->syn() && f.rst() == v->rst() &&
                      f.psh() == v->psh() && f.ack() == v->ack() && f.urg() == v->urg() &&
                      f.ece() == v->ece() && f.cwr() == v->cwr() && f.ns() == v->ns());
    fuzz::keep(to_string(f));
    fuzz::keep(v->window());
    fuzz::keep(v->checksum());
    fuzz::keep(v->urgent_pointer());
    STRATA_FUZZ_CHECK(v->header_len() >= 20 && v->header_len() <= size);
    STRATA_FUZZ_CHECK(v->header().size() + v->payload().size() == size);
    STRATA_FUZZ_CHECK(v->option_bytes().size() == v->header_len() - 20);
    fuzz::keep(v->verify_checksum(src_a, dst_a));
    options(*v);
    STRATA_FUZZ_CHECK(!v->options().error().has_value());

    auto r = TcpRepr::parse(*v);
    STRATA_FUZZ_CHECK(r.has_value());
    STRATA_FUZZ_CHECK(r->flags == v->flags());
    STRATA_FUZZ_CHECK(r->buffer_len() <= 60 && r->buffer_len() % 4 == 0);
    const Bytes payload = v->payload();
    std::vector<Byte> out(r->buffer_len() + payload.size());
    std::copy(payload.begin(), payload.end(),
              out.begin() + static_cast<std::ptrdiff_t>(r->buffer_len()));
    r->emit(TcpView<Byte>::unchecked(out), src_a, dst_a);
    auto back = TcpView<>::checked(Bytes(out));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->verify_checksum(src_a, dst_a));
    STRATA_FUZZ_CHECK(fuzz::same_bytes(back->payload(), payload));
    auto again = TcpRepr::parse(*back);
    STRATA_FUZZ_CHECK(again.has_value());
    // Options beyond the 40-byte area are dropped by emit (SACK blocks
    // first); compare with what was emitted.
    TcpRepr expect = *r;
    expect.sack_count = static_cast<std::uint8_t>(r->emitted_sack_count());
    STRATA_FUZZ_CHECK(*again == expect);

    // NAT: incremental updates agree with a full recomputation.
    const TcpView<Byte> m = TcpView<Byte>::unchecked(out);
    m.rewrite_src_port(Port{static_cast<std::uint16_t>(v->dst_port().value() ^ 0x4321)});
    m.rewrite_dst_port(v->src_port());
    m.rewrite_pseudo_header_address(dst_a, nat_a);
    STRATA_FUZZ_CHECK(m.verify_checksum(src_a, nat_a));
    return 0;
}
