// dns_parse/*: decode a 144-byte response (www.example.com A: 2 A answers,
// 2 NS in authority, 2 glue A and an OPT in additional, compressed).
// dns_build_query/*: build "www.example.com A, RD, OPT 1232" from text.
//
// The message is built once with strata's builder and the same bytes are fed
// to every parser. strata's parse walks the header, every section and every
// RDATA, validating every name (its decoded form is the NameView);
// dns_parse/strata/owned_names also copies every name out (what ldns does).
#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <benchmark/benchmark.h>

#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>

#if STRATA_HAVE_LDNS
#include <ldns/ldns.h>
#endif

using namespace strata;
using namespace strata::dns;

namespace {

std::vector<Byte> make_response() {
    std::vector<Byte> buf(512);
    MessageBuilder b{buf};
    b.set_id(0x4242);
    b.set_qr(true);
    b.set_aa(true);
    b.set_rd(true);
    bool ok = true;
    ok = ok && b.add_question("www.example.com", RrType::a);
    ok = ok && b.add_a(Section::answer, {"www.example.com", 300}, Ipv4Address(192, 0, 2, 1));
    ok = ok && b.add_a(Section::answer, {"www.example.com", 300}, Ipv4Address(192, 0, 2, 2));
    ok = ok && b.add_ns(Section::authority, {"example.com", 86400}, "ns1.example.com");
    ok = ok && b.add_ns(Section::authority, {"example.com", 86400}, "ns2.example.com");
    ok = ok && b.add_a(Section::additional, {"ns1.example.com", 86400}, Ipv4Address(192, 0, 2, 53));
    ok = ok && b.add_a(Section::additional, {"ns2.example.com", 86400}, Ipv4Address(192, 0, 2, 54));
    ok = ok && b.add_opt({1232, 0, 0, false, {}});
    auto out = b.finish();
    if (!ok || !out || out->size() != 144) {
        std::fprintf(stderr, "bench message is not the 144-byte response\n");
        std::abort();
    }
    return {out->begin(), out->end()};
}

const std::vector<Byte>& response() {
    static const std::vector<Byte> r = make_response();
    return r;
}

/// Header, every question and record, every RDATA decoded; names are
/// validated (decompressed) as they are met. Returns 0 on any error.
template <bool Owned>
std::uint64_t parse_strata(Bytes bytes) {
    auto mv = MessageView<>::checked(bytes);
    if (!mv) return 0;
    const auto& m = *mv;
    std::uint64_t sum = m.header().flags();
    bool ok = true;
    auto name = [&sum](const NameView& n) {
        if constexpr (Owned) {
            const Name o = n.to_name(); // the uncompressed copy ldns makes
            benchmark::DoNotOptimize(&o);
            sum += o.length();
        } else {
            sum += n.length();
        }
    };
    for (const auto& q : m.questions()) {
        if (!q) {
            ok = false;
            break;
        }
        name(q->name);
        sum += static_cast<std::uint16_t>(q->type);
    }
    Rdata rdata;
    Error err;
    for (const auto& r : m.records()) {
        if (!r || !decode_rdata(r, rdata, err)) {
            ok = false;
            break;
        }
        name(r->name);
        sum += r->ttl + r->rdlength;
        if (auto* a = std::get_if<ARdata>(&rdata))
            sum += a->address.value();
        else if (auto* ns = std::get_if<NameRdata>(&rdata))
            name(ns->name);
        else if (auto* o = std::get_if<OptRdata>(&rdata))
            sum += o->udp_payload_size;
        else
            ok = false; // the message holds nothing else
    }
    return ok ? sum : 0;
}

void dns_parse_strata(benchmark::State& state) {
    const Bytes bytes{response()};
    if (parse_strata<false>(bytes) == 0) state.SkipWithError("parse failed");
    for (auto _ : state) {
        benchmark::DoNotOptimize(bytes.data());
        auto s = parse_strata<false>(bytes);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(dns_parse_strata)->Name("dns_parse/strata");

void dns_parse_strata_owned(benchmark::State& state) {
    const Bytes bytes{response()};
    if (parse_strata<true>(bytes) == 0) state.SkipWithError("parse failed");
    for (auto _ : state) {
        benchmark::DoNotOptimize(bytes.data());
        auto s = parse_strata<true>(bytes);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(dns_parse_strata_owned)->Name("dns_parse/strata/owned_names");

void dns_build_query_strata(benchmark::State& state) {
    std::array<Byte, 512> buf{};
    for (auto _ : state) {
        MessageBuilder b{buf};
        b.set_id(0x1234);
        b.set_rd(true);
        auto q = b.add_question("www.example.com", RrType::a);
        auto o = b.add_opt({1232, 0, 0, false, {}});
        if (!q || !o) state.SkipWithError("build failed");
        benchmark::DoNotOptimize(buf.data());
        benchmark::DoNotOptimize(b.size());
    }
}
BENCHMARK(dns_build_query_strata)->Name("dns_build_query/strata");

#if STRATA_HAVE_LDNS
void dns_parse_ldns(benchmark::State& state) {
    const auto& bytes = response();
    {
        ldns_pkt* pkt = nullptr;
        if (ldns_wire2pkt(&pkt, bytes.data(), bytes.size()) != LDNS_STATUS_OK ||
            ldns_rr_list_rr_count(ldns_pkt_additional(pkt)) != 2 || !ldns_pkt_edns(pkt))
            state.SkipWithError("ldns could not parse the message");
        ldns_pkt_free(pkt);
    }
    for (auto _ : state) {
        ldns_pkt* pkt = nullptr;
        auto st = ldns_wire2pkt(&pkt, bytes.data(), bytes.size());
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(pkt);
        ldns_pkt_free(pkt);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(dns_parse_ldns)->Name("dns_parse/ldns");

void dns_build_query_ldns(benchmark::State& state) {
    {
        ldns_rdf* name = ldns_dname_new_frm_str("www.example.com");
        ldns_pkt* pkt = ldns_pkt_query_new(name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
        ldns_pkt_set_edns_udp_size(pkt, 1232);
        std::uint8_t* wire = nullptr;
        std::size_t size = 0;
        // Same 44 bytes as strata: header 12, question 21, OPT 11.
        if (ldns_pkt2wire(&wire, pkt, &size) != LDNS_STATUS_OK || size != 44)
            state.SkipWithError("ldns query is not the expected 44 bytes");
        std::free(wire);
        ldns_pkt_free(pkt);
    }
    for (auto _ : state) {
        ldns_rdf* name = ldns_dname_new_frm_str("www.example.com");
        ldns_pkt* pkt = ldns_pkt_query_new(name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
        ldns_pkt_set_id(pkt, 0x1234);
        ldns_pkt_set_edns_udp_size(pkt, 1232);
        std::uint8_t* wire = nullptr;
        std::size_t size = 0;
        auto st = ldns_pkt2wire(&wire, pkt, &size);
        benchmark::DoNotOptimize(st);
        benchmark::DoNotOptimize(wire);
        std::free(wire);
        ldns_pkt_free(pkt);
    }
}
BENCHMARK(dns_build_query_ldns)->Name("dns_build_query/ldns");
#endif

} // namespace

BENCHMARK_MAIN();
