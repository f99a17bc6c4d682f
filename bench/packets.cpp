// parse_mixed/{strata,floor,libtins} and build_tcp/{strata,floor,libtins}.
//
// floor is the bar strata's views must reach: a plain bounds-checked parser
// and builder written here with memcpy + byte swaps, doing exactly the checks
// that the views' checked() construction does. libtins is the peer: its
// EthernetII constructor parses the whole frame into heap objects.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <benchmark/benchmark.h>

#include <strata/checksum/internet.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

#include "packet_corpus.hpp"

#if STRATA_HAVE_TINS
#include <tins/arp.h>
#include <tins/ethernetII.h>
#include <tins/ip.h>
#include <tins/rawpdu.h>
#include <tins/tcp.h>
#include <tins/udp.h>
#endif

namespace {

using corpus::Byte;

// ---------------------------------------------------------------- floor ----
inline std::uint16_t rd16(const Byte* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return __builtin_bswap16(v);
}
inline std::uint32_t rd32(const Byte* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline void wr16(Byte* p, std::uint16_t v) {
    v = __builtin_bswap16(v);
    std::memcpy(p, &v, 2);
}
inline void wr32(Byte* p, std::uint32_t v) {
    v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}

/// What every parser extracts: IPv4 src/dst, protocol and ports, or the ARP
/// sender/target IP. kind none means the frame was rejected.
struct Fields {
    enum Kind : std::uint8_t { none, arp, ipv4 };
    std::uint32_t a = 0, b = 0; ///< IPv4 src/dst or ARP sender/target, host order
    std::uint16_t sport = 0, dport = 0;
    std::uint8_t proto = 0;
    Kind kind = none;
    friend bool operator==(const Fields&, const Fields&) = default;
};
/// Folds the fields into the benchmark accumulator (same cost for all parsers).
inline std::uint64_t mix(const Fields& r) {
    return r.a ^ (std::uint64_t{r.b} << 1) ^ r.proto ^ (std::uint64_t{r.sport} << 16 | r.dport) ^
           (std::uint64_t{r.kind} << 40);
}

/// Walks an option area (IPv4 or TCP share the kind/length format); false
/// when an option is malformed.
inline bool floor_options_ok(const Byte* o, std::size_t n, bool tcp) {
    std::size_t i = 0;
    while (i < n) {
        const Byte kind = o[i];
        if (kind == 0) return true;
        if (kind == 1) {
            ++i;
            continue;
        }
        if (i + 1 >= n) return false;
        const Byte len = o[i + 1];
        if (len < 2 || i + len > n) return false;
        if (tcp) {
            if ((kind == 2 && len != 4) || (kind == 3 && len != 3) || (kind == 4 && len != 2) ||
                (kind == 8 && len != 10) || (kind == 5 && (len < 10 || (len - 2) % 8 != 0)))
                return false;
        }
        i += len;
    }
    return true;
}

inline Fields floor_parse(const Byte* f, std::size_t n) {
    if (n < 14) return {};
    const std::uint16_t type = rd16(f + 12);
    if (type == 0x0806) {
        const Byte* a = f + 14;
        if (n - 14 < 8 || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
            n - 14 < 28)
            return {};
        return {rd32(a + 14), rd32(a + 24), 0, 0, 0, Fields::arp};
    }
    if (type != 0x0800) return {};
    const Byte* ip = f + 14;
    const std::size_t ipn = n - 14;
    if (ipn < 20 || (ip[0] >> 4) != 4) return {};
    const std::size_t ihl = (ip[0] & 0x0fu) * 4u;
    if (ihl < 20 || ihl > ipn) return {};
    const std::size_t total = rd16(ip + 2);
    if (total < ihl || total > ipn) return {};
    if (ihl > 20 && !floor_options_ok(ip + 20, ihl - 20, false)) return {};
    Fields r{rd32(ip + 12), rd32(ip + 16), 0, 0, ip[9], Fields::ipv4};
    const Byte* l4 = ip + ihl;
    const std::size_t l4n = total - ihl;
    if (ip[9] == 6) {
        if (l4n < 20) return {};
        const std::size_t doff = (l4[12] >> 4) * 4u;
        if (doff < 20 || doff > l4n) return {};
        if (doff > 20 && !floor_options_ok(l4 + 20, doff - 20, true)) return {};
        r.sport = rd16(l4);
        r.dport = rd16(l4 + 2);
        return r;
    }
    if (ip[9] == 17) {
        if (l4n < 8) return {};
        const std::size_t ulen = rd16(l4 + 4);
        if (ulen < 8 || ulen > l4n) return {};
        r.sport = rd16(l4);
        r.dport = rd16(l4 + 2);
        return r;
    }
    return r;
}

inline std::size_t floor_build(const corpus::TcpSpec& s, Byte* f) {
    const std::size_t tcp_len = s.timestamps ? 32 : 20;
    const std::size_t ip_total = 20 + tcp_len + s.payload_len;
    std::memcpy(f, s.dst_mac, 6);
    std::memcpy(f + 6, s.src_mac, 6);
    wr16(f + 12, 0x0800);
    Byte* ip = f + 14;
    wr32(ip, 0x45000000u | static_cast<std::uint32_t>(ip_total));
    wr32(ip + 4, (std::uint32_t{s.ident} << 16) | 0x4000u);
    wr32(ip + 8, (64u << 24) | (6u << 16));
    wr32(ip + 12, s.src_ip);
    wr32(ip + 16, s.dst_ip);
    wr16(ip + 10, strata::checksum::finish(strata::checksum::sum({ip, 20})));
    Byte* tcp = ip + 20;
    wr16(tcp, s.src_port);
    wr16(tcp + 2, s.dst_port);
    wr32(tcp + 4, s.seq);
    wr32(tcp + 8, s.ack);
    wr16(tcp + 12, static_cast<std::uint16_t>(((tcp_len / 4) << 12) | s.flags));
    wr16(tcp + 14, s.window);
    wr32(tcp + 16, 0);
    if (s.timestamps) {
        wr32(tcp + 20, 0x0101080au);
        wr32(tcp + 24, s.tsval);
        wr32(tcp + 28, s.tsecr);
    }
    std::memcpy(tcp + tcp_len, corpus::payload_pattern().data(), s.payload_len);
    const std::size_t seg = tcp_len + s.payload_len;
    const std::uint64_t pseudo = strata::checksum::pseudo_header_ipv4(
        s.src_ip, s.dst_ip, 6, static_cast<std::uint16_t>(seg));
    wr16(tcp + 16, strata::checksum::finish(strata::checksum::sum({tcp, seg}, pseudo)));
    return 14 + ip_total;
}

// --------------------------------------------------------------- strata ----
// The same work as floor_parse(), through the library: each layer's
// checked() construction (lengths, version, IHL, total length, data offset,
// option lengths) and its getters.
inline Fields strata_parse(const Byte* f, std::size_t n) {
    using namespace strata;
    const auto eth = EthernetView<>::checked(Bytes(f, n));
    if (!eth) return {};
    const EtherType type = eth->ethertype();
    if (type == EtherType::arp) {
        const auto arp = ArpView<>::checked(eth->payload());
        if (!arp) return {};
        return {arp->sender_protocol_addr().value(),
                arp->target_protocol_addr().value(),
                0,
                0,
                0,
                Fields::arp};
    }
    if (type != EtherType::ipv4) return {};
    const auto ip = Ipv4View<>::checked(eth->payload());
    if (!ip) return {};
    const IpProtocol proto = ip->protocol();
    Fields r{ip->src().value(), ip->dst().value(), 0, 0, static_cast<std::uint8_t>(proto),
             Fields::ipv4};
    if (proto == IpProtocol::tcp) {
        const auto tcp = TcpView<>::checked(ip->payload());
        if (!tcp) return {};
        r.sport = tcp->src_port().value();
        r.dport = tcp->dst_port().value();
    } else if (proto == IpProtocol::udp) {
        const auto udp = UdpView<>::checked(ip->payload());
        if (!udp) return {};
        r.sport = udp->src_port().value();
        r.dport = udp->dst_port().value();
    }
    return r;
}

// The same frame as floor_build(), through the reprs: EthernetRepr,
// Ipv4Repr::emit (header checksum filled), payload copy, TcpRepr::emit
// (NOP NOP TS when timestamps are on; checksum over pseudo-header + segment).
inline std::size_t strata_build(const corpus::TcpSpec& s, Byte* f) {
    using namespace strata;
    // MacAddress from a std::array (copied whole) rather than from_bytes():
    // from_bytes() stores the six bytes one at a time, and the wider loads
    // that emit() then makes stall on store forwarding.
    std::array<Byte, 6> dst_mac, src_mac;
    std::memcpy(dst_mac.data(), s.dst_mac, 6);
    std::memcpy(src_mac.data(), s.src_mac, 6);
    const EthernetRepr eth{MacAddress{dst_mac}, MacAddress{src_mac}, EtherType::ipv4};
    TcpRepr tcp;
    tcp.src_port = Port{s.src_port};
    tcp.dst_port = Port{s.dst_port};
    tcp.seq_number = SeqNum{s.seq};
    tcp.ack_number = SeqNum{s.ack};
    tcp.flags = TcpFlags{s.flags};
    tcp.window = s.window;
    if (s.timestamps) tcp.timestamps = TcpTimestamps{s.tsval, s.tsecr};
    const std::size_t tcp_hl = tcp.buffer_len();
    const std::size_t seg = tcp_hl + s.payload_len;
    Ipv4Repr ip;
    ip.src = Ipv4Address{s.src_ip};
    ip.dst = Ipv4Address{s.dst_ip};
    ip.protocol = IpProtocol::tcp;
    ip.ttl = 64;
    ip.ident = s.ident;
    ip.dont_frag = true;
    ip.payload_len = static_cast<std::uint16_t>(seg);
    const std::size_t total = ethernet_header_len + ip.header_len() + seg;
    const MutBytes frame(f, total);
    eth.emit(EthernetView<Byte>::unchecked(frame));
    const MutBytes l3 = frame.subspan(ethernet_header_len);
    ip.emit(Ipv4View<Byte>::unchecked(l3));
    const MutBytes l4 = l3.subspan(ip.header_len());
    std::memcpy(l4.data() + tcp_hl, corpus::payload_pattern().data(), s.payload_len);
    tcp.emit(TcpView<Byte>::unchecked(l4), ip.src, ip.dst);
    return total;
}

// -------------------------------------------------------------- drivers ----
template <class Parse>
void run_parse(benchmark::State& state, Parse parse) {
    const auto& frames = corpus::corpus().frames;
    std::uint64_t acc = 0;
    for (auto _ : state) {
        for (const auto& f : frames)
            acc += mix(parse(f.data(), f.size()));
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * frames.size()));
}

template <class Build>
void run_build(benchmark::State& state, Build build) {
    const auto& specs = corpus::corpus().tcp_specs;
    std::vector<Byte> buffer(2048);
    std::uint64_t acc = 0;
    for (auto _ : state) {
        for (const auto& s : specs) {
            acc += build(s, buffer.data());
            benchmark::DoNotOptimize(buffer.data());
        }
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(acc);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * specs.size()));
}

void parse_mixed_strata(benchmark::State& s) { run_parse(s, strata_parse); }
void parse_mixed_floor(benchmark::State& s) { run_parse(s, floor_parse); }
void build_tcp_strata(benchmark::State& s) { run_build(s, strata_build); }
void build_tcp_floor(benchmark::State& s) { run_build(s, floor_build); }
BENCHMARK(parse_mixed_strata)->Name("parse_mixed/strata");
BENCHMARK(parse_mixed_floor)->Name("parse_mixed/floor");
BENCHMARK(build_tcp_strata)->Name("build_tcp/strata");
BENCHMARK(build_tcp_floor)->Name("build_tcp/floor");

#if STRATA_HAVE_TINS
// libtins stores IPv4 addresses in network byte order: swap to host order
// so the fields compare equal to the other parsers'.
Fields tins_parse(const Byte* f, std::size_t n) {
    Tins::EthernetII eth(f, static_cast<std::uint32_t>(n));
    if (const auto* ip = eth.find_pdu<Tins::IP>()) {
        Fields r{__builtin_bswap32(static_cast<std::uint32_t>(ip->src_addr())),
                 __builtin_bswap32(static_cast<std::uint32_t>(ip->dst_addr())),
                 0,
                 0,
                 ip->protocol(),
                 Fields::ipv4};
        if (const auto* tcp = eth.find_pdu<Tins::TCP>()) {
            r.sport = tcp->sport();
            r.dport = tcp->dport();
        } else if (const auto* udp = eth.find_pdu<Tins::UDP>()) {
            r.sport = udp->sport();
            r.dport = udp->dport();
        }
        return r;
    }
    if (const auto* arp = eth.find_pdu<Tins::ARP>())
        return {__builtin_bswap32(static_cast<std::uint32_t>(arp->sender_ip_addr())),
                __builtin_bswap32(static_cast<std::uint32_t>(arp->target_ip_addr())),
                0,
                0,
                0,
                Fields::arp};
    return {};
}

std::size_t tins_build(const corpus::TcpSpec& s, Byte* out) {
    Tins::EthernetII eth(Tins::HWAddress<6>(s.dst_mac), Tins::HWAddress<6>(s.src_mac));
    Tins::IP ip(Tins::IPv4Address(__builtin_bswap32(s.dst_ip)),
                Tins::IPv4Address(__builtin_bswap32(s.src_ip)));
    ip.id(s.ident);
    ip.flags(Tins::IP::DONT_FRAGMENT);
    ip.ttl(64);
    Tins::TCP tcp(s.dst_port, s.src_port);
    tcp.seq(s.seq);
    tcp.ack_seq(s.ack);
    tcp.flags(s.flags);
    tcp.window(s.window);
    if (s.timestamps) {
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.add_option(Tins::TCP::option(Tins::TCP::NOP));
        tcp.timestamp(s.tsval, s.tsecr);
    }
    Tins::EthernetII pkt =
        eth / ip / tcp / Tins::RawPDU(corpus::payload_pattern().data(), s.payload_len);
    const auto bytes = pkt.serialize();
    std::memcpy(out, bytes.data(), bytes.size());
    return bytes.size();
}

void parse_mixed_libtins(benchmark::State& s) { run_parse(s, tins_parse); }
void build_tcp_libtins(benchmark::State& s) { run_build(s, tins_build); }
BENCHMARK(parse_mixed_libtins)->Name("parse_mixed/libtins");
BENCHMARK(build_tcp_libtins)->Name("build_tcp/libtins");
#endif

// ---------------------------------------------------------- start-up check ----
// Before timing anything: every parser accepts all 1,000 frames and extracts
// the same fields, and every builder writes exactly the bytes of the corpus's
// own byte-by-byte builder (write_tcp_frame, which does not use strata), so
// the timed work is the same work.
[[noreturn]] void die(const char* what, std::size_t i) {
    std::fprintf(stderr, "bench_packets: start-up check failed: %s (item %zu)\n", what, i);
    std::abort();
}

void check_agreement() {
    const auto& c = corpus::corpus();
    std::size_t tcp = 0, udp = 0, arp = 0;
    for (std::size_t i = 0; i < c.frames.size(); ++i) {
        const auto& f = c.frames[i];
        const Fields fl = floor_parse(f.data(), f.size());
        if (fl.kind == Fields::none) die("floor rejected a frame", i);
        if (!(strata_parse(f.data(), f.size()) == fl)) die("strata and floor disagree", i);
#if STRATA_HAVE_TINS
        if (!(tins_parse(f.data(), f.size()) == fl)) die("libtins and floor disagree", i);
#endif
        tcp += fl.kind == Fields::ipv4 && fl.proto == 6;
        udp += fl.kind == Fields::ipv4 && fl.proto == 17;
        arp += fl.kind == Fields::arp;
    }
    if (tcp != 850 || udp != 100 || arp != 50) die("corpus mix is not 850/100/50", 0);
    std::vector<Byte> ref(2048), a(2048), b(2048);
    for (std::size_t i = 0; i < c.tcp_specs.size(); ++i) {
        const auto& s = c.tcp_specs[i];
        std::fill(a.begin(), a.end(), Byte{0xa5}); // stale bytes must be overwritten
        std::fill(b.begin(), b.end(), Byte{0x5a});
        const std::size_t n = corpus::write_tcp_frame(s, ref.data());
        if (floor_build(s, a.data()) != n || std::memcmp(a.data(), ref.data(), n) != 0)
            die("floor build differs from the reference frame", i);
        if (strata_build(s, b.data()) != n || std::memcmp(b.data(), ref.data(), n) != 0)
            die("strata build differs from the reference frame", i);
#if STRATA_HAVE_TINS
        std::fill(b.begin(), b.end(), Byte{0x5a});
        // libtins pads short frames to the 60-byte Ethernet minimum (zeros);
        // strata and floor leave that to the driver, as Linux does.
        const std::size_t tn = tins_build(s, b.data());
        if (tn != std::max<std::size_t>(n, 60) || std::memcmp(b.data(), ref.data(), n) != 0 ||
            std::any_of(b.begin() + static_cast<std::ptrdiff_t>(n),
                        b.begin() + static_cast<std::ptrdiff_t>(tn), [](Byte x) { return x != 0; }))
            die("libtins build differs from the reference frame", i);
#endif
    }
}

} // namespace

int main(int argc, char** argv) {
    check_agreement();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
