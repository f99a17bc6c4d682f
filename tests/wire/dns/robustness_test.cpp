// Untrusted input: every truncation of every sample and a seeded corpus of
// corrupted messages must come back as values or errors, never as a crash
// or an out-of-bounds read (run under -DSTRATA_SANITIZE=address,undefined).
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/tcp_framing.hpp>

#include "wire/dns/samples.hpp"

using namespace strata;
using namespace strata::dns;

namespace {

struct Outcome {
    bool header_ok = false;
    bool valid = false; ///< validate() succeeded
    std::size_t entries = 0;
    std::size_t errors = 0;
};

/// Checks what must hold for any name a successful decode handed out.
void check_name(const NameView& n) {
    REQUIRE(n.length() <= max_name_len);
    std::size_t labels = 0, bytes = 1;
    for (Bytes l : n.labels()) {
        REQUIRE(l.size() >= 1);
        REQUIRE(l.size() <= max_label_len);
        ++labels;
        bytes += l.size() + 1;
    }
    REQUIRE(labels == n.label_count());
    REQUIRE(bytes == n.length());
    // The text form reads back as the same name.
    auto back = Name::parse(n.to_string());
    REQUIRE(back);
    REQUIRE(*back == n);
    REQUIRE(n.to_name() == n);
}

void touch_rdata(const Rdata& d) {
    if (auto* n = std::get_if<NameRdata>(&d)) check_name(n->name);
    if (auto* m = std::get_if<MxRdata>(&d)) check_name(m->exchange);
    if (auto* s = std::get_if<SoaRdata>(&d)) {
        check_name(s->mname);
        check_name(s->rname);
    }
    if (auto* s = std::get_if<SrvRdata>(&d)) check_name(s->target);
    if (auto* t = std::get_if<TxtRdata>(&d)) {
        std::size_t sum = 0;
        for (Bytes s : t->strings())
            sum += s.size() + 1;
        REQUIRE(sum == t->data.size());
    }
    if (auto* o = std::get_if<OptRdata>(&d)) {
        std::size_t sum = 0;
        for (const EdnsOption& e : o->options())
            sum += e.data.size() + 4;
        REQUIRE(sum == o->data.size());
    }
}

Outcome exercise(Bytes b) {
    Outcome out;
    auto mv = MessageView<>::checked(b);
    if (!mv) return out;
    out.header_ok = true;
    const auto& m = *mv;
    (void)m.header();
    for (const auto& q : m.questions()) {
        if (!q) {
            ++out.errors;
            REQUIRE(q.error().layer == "dns");
            break;
        }
        ++out.entries;
        check_name(q->name);
    }
    for (const auto& r : m.records()) {
        if (!r) {
            ++out.errors;
            REQUIRE(r.error().layer == "dns");
            REQUIRE(r.error().offset <= b.size());
            break;
        }
        ++out.entries;
        REQUIRE(r->end_offset() <= b.size());
        check_name(r->name);
        if (auto d = decode_rdata(*r))
            touch_rdata(*d);
        else
            ++out.errors;
    }
    (void)m.opt();
    for (Section s : {Section::answer, Section::authority, Section::additional})
        for (const auto& r : m.section(s))
            if (!r) break;
    out.valid = static_cast<bool>(m.validate());
    if (out.valid) {
        // A valid message re-encodes into one with the same entries.
        std::vector<Byte> buf(max_message_len);
        MessageBuilder bld{buf};
        bld.set_header(m.header());
        for (const auto& q : m.questions())
            REQUIRE(bld.add_question(q->name, q->type, q->cls));
        for (const auto& r : m.records())
            REQUIRE(bld.add_record(r->section, *r));
        auto rebuilt = bld.finish();
        REQUIRE(rebuilt);
        auto m2 = MessageView<>::checked(Bytes{*rebuilt});
        REQUIRE(m2);
        REQUIRE(m2->validate());
        REQUIRE(m2->flags() == m.flags());
        std::vector<Record> a, c;
        for (const auto& r : m.records())
            a.push_back(*r);
        for (const auto& r : m2->records())
            c.push_back(*r);
        REQUIRE(a.size() == c.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            REQUIRE(a[i].name == c[i].name);
            REQUIRE(a[i].type == c[i].type);
            REQUIRE(a[i].cls == c[i].cls);
            REQUIRE(a[i].ttl == c[i].ttl);
            REQUIRE(a[i].section == c[i].section);
        }
    }
    return out;
}

std::vector<std::vector<Byte>> corpus() {
    std::vector<std::vector<Byte>> c;
    auto add = [&](auto const& arr) { c.emplace_back(arr.begin(), arr.end()); };
    add(dns_samples::query_www_a);
    add(dns_samples::resp_www_a);
    add(dns_samples::query_www_aaaa);
    add(dns_samples::resp_www_aaaa);
    add(dns_samples::resp_mx);
    add(dns_samples::resp_txt);
    add(dns_samples::resp_srv);
    add(dns_samples::resp_cname);
    add(dns_samples::resp_ptr);
    add(dns_samples::resp_soa);
    add(dns_samples::resp_nxdomain);
    // One built message with every type (heavier compression than dnsmasq's).
    std::vector<Byte> buf(1024);
    MessageBuilder b{buf};
    REQUIRE(b.add_question("www.example.com", RrType::a));
    REQUIRE(b.add_a(Section::answer, {"www.example.com", 1}, Ipv4Address(192, 0, 2, 1)));
    REQUIRE(b.add_aaaa(Section::answer, {"www.example.com", 1}, {}));
    REQUIRE(b.add_cname(Section::answer, {"x.example.com", 1}, "www.example.com"));
    REQUIRE(b.add_mx(Section::answer, {"example.com", 1}, 5, "mx.example.com"));
    REQUIRE(b.add_txt(Section::answer, {"example.com", 1}, {"a", "bc"}));
    REQUIRE(b.add_srv(Section::answer, {"_s._tcp.example.com", 1}, 1, 2, Port{3}, "t.example.com"));
    REQUIRE(
        b.add_soa(Section::authority, {"example.com", 1}, "ns.example.com", "h.example.com", {}));
    REQUIRE(b.add_ns(Section::authority, {"example.com", 1}, "ns.example.com"));
    const std::array<EdnsOption, 1> o{EdnsOption{10, Bytes{buf}.first(8)}};
    REQUIRE(b.add_opt({1232, 0, 0, false, o}));
    auto built = b.finish();
    REQUIRE(built);
    c.emplace_back(built->begin(), built->end());
    return c;
}

} // namespace

TEST_CASE("every truncation of every sample fails cleanly", "[dns][robust]") {
    for (const auto& msg : corpus()) {
        const auto full = exercise(Bytes{msg});
        REQUIRE(full.valid);
        REQUIRE(full.errors == 0);
        for (std::size_t len = 0; len < msg.size(); ++len) {
            const std::vector<Byte> cut(msg.begin(), msg.begin() + static_cast<long>(len));
            const auto o = exercise(Bytes{cut});
            // No sample has trailing bytes, so any cut loses part of an entry.
            CHECK_FALSE(o.valid);
            CHECK(o.header_ok == (len >= header_len));
            if (len >= header_len) CHECK(o.errors >= 1);
        }
    }
}

TEST_CASE("seeded corruption never crashes", "[dns][robust]") {
    std::mt19937 rng(20261122); // fixed seed: reproducible corpus
    std::size_t valid = 0, invalid = 0;
    for (const auto& msg : corpus()) {
        for (int round = 0; round < 400; ++round) {
            std::vector<Byte> m = msg;
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int f = 0; f < flips; ++f) {
                const std::size_t at = rng() % m.size();
                switch (rng() % 4) {
                case 0:
                    m[at] = static_cast<Byte>(rng());
                    break;
                case 1:
                    m[at] ^= static_cast<Byte>(1u << (rng() % 8));
                    break;
                case 2:
                    m[at] = 0xc0;
                    break; // pointer bait
                default:
                    if (at + 1 < m.size()) m[at + 1] = static_cast<Byte>(rng() % m.size());
                    m[at] = 0xc0;
                    break;
                }
            }
            const auto o = exercise(Bytes{m});
            (o.valid ? valid : invalid) += 1;
        }
    }
    // Both outcomes occur: corruption in TTLs or addresses is still a valid
    // message, corruption in names or lengths is not.
    CHECK(valid > 100);
    CHECK(invalid > 100);
}

TEST_CASE("TCP de-framing of every prefix of a stream", "[dns][robust][tcp]") {
    std::vector<Byte> stream(2 + dns_samples::resp_www_a.size());
    REQUIRE(tcp_frame(stream, dns_samples::resp_www_a));
    for (std::size_t len = 0; len < stream.size(); ++len) {
        auto f = tcp_deframe(Bytes{stream}.first(len));
        REQUIRE_FALSE(f);
        CHECK(f.error().code == Errc::truncated);
    }
    auto f = tcp_deframe(Bytes{stream});
    REQUIRE(f);
    CHECK(exercise(f->message).valid);
}
