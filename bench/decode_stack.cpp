// decode_stack/{strata,handwritten}: one Ethernet/IPv4/TCP frame carrying the
// 511-byte Chrome-style GET of bench/http.cpp, decoded as
// Ethernet<IPv4<TCP<HTTP>>>. "handwritten" does the same checks by hand with
// the wire views: checked construction of each header, EtherType and IP
// protocol match, first fragment, HTTP head parsed; both then read the same
// fields. The ratio is what composition costs (target: <= 1.1x).
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <benchmark/benchmark.h>

#include <strata/layers.hpp>

#include "http_samples.hpp"

namespace {

using namespace strata;
using WebFrame = Ethernet<IPv4<TCP<HTTP>>>;

using strata::bench::chrome_get;

struct Frame {
    std::array<Byte, 1514> buf{};
    Bytes bytes;
};

const Frame& frame() {
    static const Frame f = [] {
        Frame fr;
        EthernetRepr eth{MacAddress{2, 0, 0, 0, 0, 2}, MacAddress{2, 0, 0, 0, 0, 1},
                         EtherType::ipv4};
        Ipv4Repr ip{};
        ip.src = Ipv4Address(10, 77, 1, 2);
        ip.dst = Ipv4Address(10, 77, 2, 2);
        ip.ttl = 64;
        ip.dont_frag = true;
        TcpRepr tcp{};
        tcp.src_port = Port{39768};
        tcp.dst_port = Port{80};
        tcp.seq_number = SeqNum{3165817068u};
        tcp.ack_number = SeqNum{677353685u};
        tcp.flags = TcpFlags{TcpFlags::psh_bit | TcpFlags::ack_bit};
        tcp.window = 502;
        tcp.timestamps = TcpTimestamps{377109262u, 3085704798u};
        const Bytes get{reinterpret_cast<const Byte*>(chrome_get.data()), chrome_get.size()};
        auto r = encode<WebFrame>(MutBytes(fr.buf), eth, ip, tcp, get);
        if (!r) std::abort();
        fr.bytes = Bytes(r->data(), r->size());
        return fr;
    }();
    return f;
}

/// What both sides extract: enough to route and answer the request.
struct Summary {
    std::uint32_t dst = 0;
    std::uint16_t dst_port = 0;
    std::uint8_t ttl = 0;
    std::size_t target_len = 0;
    std::size_t headers = 0;
};

Summary strata_decode(Bytes b) {
    const auto d = decode<WebFrame>(b);
    if (!d.ok()) return {};
    const auto& ip = d.get<IPv4>();
    const auto& http = d.get<HTTP>();
    return {ip.dst().value(), d.get<TCP>().dst_port().value(), ip.ttl(),
            http.request().target.size(), http.headers().size()};
}

Summary handwritten_decode(Bytes b) {
    const auto eth = EthernetView<>::checked(b);
    if (!eth || eth->ethertype() != EtherType::ipv4) return {};
    const auto ip = Ipv4View<>::checked(eth->payload());
    if (!ip || ip->frag_offset() != 0 || ip->protocol() != IpProtocol::tcp) return {};
    const auto tcp = TcpView<>::checked(ip->payload());
    if (!tcp || tcp->payload().empty()) return {};
    // Built in place in the same kind of slot decode() uses: std::optional
    // would clear its ~1.2 KB on construction (libstdc++ 12), a cost a hand
    // coder avoids and that would flatter decode<> by comparison.
    strata::detail::ViewSlot<HttpView<>> http;
    if (HttpView<>::parse_into(http, tcp->payload()) || !http->is_request()) return {};
    return {ip->dst().value(), tcp->dst_port().value(), ip->ttl(), http->request().target.size(),
            http->headers().size()};
}

template <Summary (*Decode)(Bytes)>
void run(benchmark::State& state) {
    const Bytes b = frame().bytes;
    for (auto _ : state) {
        benchmark::DoNotOptimize(b.data());
        Summary s = Decode(b);
        benchmark::DoNotOptimize(s);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * b.size()));
}

/// Both sides must see the same frame the same way, or the numbers mean nothing.
const bool agree = [] {
    const Summary a = strata_decode(frame().bytes), h = handwritten_decode(frame().bytes);
    if (a.dst != h.dst || a.dst_port != h.dst_port || a.ttl != h.ttl ||
        a.target_len != h.target_len || a.headers != h.headers || a.headers != 10 ||
        a.dst_port != 80) {
        std::fprintf(stderr, "decode_stack: strata and handwritten disagree\n");
        std::abort();
    }
    return true;
}();

} // namespace

BENCHMARK(run<strata_decode>)->Name("decode_stack/strata");
BENCHMARK(run<handwritten_decode>)->Name("decode_stack/handwritten");

BENCHMARK_MAIN();
