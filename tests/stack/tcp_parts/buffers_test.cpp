// The RFC 6675 scoreboard, the send and receive rings (with RFC 2018 SACK
// ranges), RFC 6528 ISNs over SipHash-2-4, and SYN cookies. Expected values
// are worked out by hand in the comments, or are the SipHash paper's vectors.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/stack/tcp/isn.hpp>
#include <strata/stack/tcp/recv_buffer.hpp>
#include <strata/stack/tcp/sack_scoreboard.hpp>
#include <strata/stack/tcp/send_buffer.hpp>
#include <strata/stack/tcp/syn_cookie.hpp>

using namespace strata;
using namespace strata::stack;
using namespace strata::stack::tcp;

namespace {
Bytes text(std::string_view s) { return {reinterpret_cast<const Byte*>(s.data()), s.size()}; }
std::string str(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
std::string str(const SendBuffer::Pieces& p) { return str(p.first) + str(p.second); }
} // namespace

// ---------------------------------------------------------------------------
// SackScoreboard: ten segments of 1000 bytes; segment i covers
// [base + 1000 (i - 1), base + 1000 i). base sits 4096 below 2^32, so the
// flight wraps the sequence space between segments 5 and 6.
TEST_CASE("SackScoreboard: RFC 6675 with segments 2 and 4 lost", "[tcp_parts][sack]") {
    const std::uint32_t mss = 1000;
    const SeqNum base{0xFFFFF000u};
    auto seg = [&](int i) { return base + static_cast<std::uint32_t>(1000 * (i - 1)); };
    auto block = [&](int first, int last) { return TcpSackBlock{seg(first), seg(last + 1)}; };
    const SeqNum nxt = seg(11);
    const SeqNum una = seg(2); // segment 1 was acknowledged cumulatively
    SackScoreboard sb;
    CHECK(sb.empty());

    // Segment 3 arrives: a duplicate ACK with SACK [3].
    std::array<TcpSackBlock, 1> b1{block(3, 3)};
    CHECK(sb.update(una, nxt, b1) == 1000);
    // IsLost(2): 1 range and 1000 bytes above it; neither 3 ranges nor > 2000 bytes.
    CHECK_FALSE(sb.is_lost(seg(2), mss));
    // pipe: 9000 bytes outstanding minus 1000 SACKed, none lost: 8000.
    CHECK(sb.pipe(una, nxt, una, mss) == 8000);
    // NextSeg: segment 2 is a hole below the highest SACK but not lost: rule 3.
    auto s = sb.next_seg(una, nxt, una, mss);
    REQUIRE(s);
    CHECK(s->seq == seg(2));
    CHECK(s->len == 1000);
    CHECK_FALSE(s->lost);

    // Segment 5: SACK [5] [3] (the receiver lists the newest first).
    std::array<TcpSackBlock, 2> b2{block(5, 5), block(3, 3)};
    CHECK(sb.update(una, nxt, b2) == 1000); // [3] again adds nothing
    CHECK_FALSE(sb.is_lost(seg(2), mss));   // 2 ranges, 2000 bytes: not > 2000
    CHECK_FALSE(sb.is_lost(seg(4), mss));

    // Segment 6: SACK [5-6] [3].
    std::array<TcpSackBlock, 2> b3{block(5, 6), block(3, 3)};
    CHECK(sb.update(una, nxt, b3) == 1000);
    CHECK(sb.is_lost(seg(2), mss));       // 3000 SACKed bytes above > 2 * SMSS
    CHECK_FALSE(sb.is_lost(seg(4), mss)); // 2000 above: not yet
    // pipe: outstanding 9000 - SACKed 3000 = 6000 unSACKed; segment 2 is lost
    // (not counted): 5000.
    CHECK(sb.pipe(una, nxt, una, mss) == 5000);

    // Segments 7 to 10: SACK [5-10] [3].
    std::array<TcpSackBlock, 2> b4{block(5, 10), block(3, 3)};
    CHECK(sb.update(una, nxt, b4) == 4000);
    CHECK(sb.is_lost(seg(4), mss));
    CHECK(sb.sacked_bytes() == 7000);
    CHECK(sb.highest_sacked() == nxt);
    CHECK(sb.is_sacked(seg(3)));
    CHECK(sb.is_sacked(seg(7) + 5)); // past the wrap of the sequence space
    CHECK_FALSE(sb.is_sacked(seg(4)));
    // Both holes are lost and nothing was retransmitted: pipe = 0.
    CHECK(sb.pipe(una, nxt, una, mss) == 0);

    // NextSeg rule 1: segment 2, then (HighRxt past it) segment 4, then none.
    s = sb.next_seg(una, nxt, una, mss);
    REQUIRE(s);
    CHECK(s->seq == seg(2));
    CHECK(s->lost);
    // After retransmitting segment 2 (high_rxt = its end): it counts once in pipe.
    CHECK(sb.pipe(una, nxt, seg(3), mss) == 1000);
    s = sb.next_seg(una, nxt, seg(3), mss);
    REQUIRE(s);
    CHECK(s->seq == seg(4));
    CHECK(s->len == 1000);
    CHECK(s->lost);
    CHECK(sb.pipe(una, nxt, seg(5), mss) == 2000);
    CHECK_FALSE(sb.next_seg(una, nxt, seg(5), mss));

    // The retransmitted segment 2 arrives: cumulative ACK to segment 4; range
    // [3] falls below snd_una and is dropped.
    CHECK(sb.update(seg(4), nxt, b4) == 0);
    CHECK(sb.sacked_bytes() == 6000);
    CHECK(sb.ranges().size() == 1);
    // Then segment 4: everything acknowledged.
    CHECK(sb.update(nxt, nxt, {}) == 0);
    CHECK(sb.empty());
}

TEST_CASE("SackScoreboard ignores D-SACK and bogus blocks and merges", "[tcp_parts][sack]") {
    const SeqNum una{1000}, nxt{11000};
    SackScoreboard sb;
    // D-SACK below snd_una (RFC 2883), beyond snd_nxt, inverted, empty: all ignored.
    std::array<TcpSackBlock, 4> bad{
        TcpSackBlock{SeqNum{0}, SeqNum{1000}}, TcpSackBlock{SeqNum{9000}, SeqNum{12000}},
        TcpSackBlock{SeqNum{5000}, SeqNum{4000}}, TcpSackBlock{SeqNum{5000}, SeqNum{5000}}};
    CHECK(sb.update(una, nxt, bad) == 0);
    CHECK(sb.empty());
    // A block straddling snd_una is cut there: [500, 2000) -> [1000, 2000).
    std::array<TcpSackBlock, 1> straddle{TcpSackBlock{SeqNum{500}, SeqNum{2000}}};
    CHECK(sb.update(una, nxt, straddle) == 1000);
    // [3000, 4000) and [5000, 6000), then [4000, 5000) joins them: one range.
    std::array<TcpSackBlock, 2> two{TcpSackBlock{SeqNum{3000}, SeqNum{4000}},
                                    TcpSackBlock{SeqNum{5000}, SeqNum{6000}}};
    CHECK(sb.update(una, nxt, two) == 2000);
    CHECK(sb.ranges().size() == 3);
    std::array<TcpSackBlock, 1> mid{TcpSackBlock{SeqNum{3500}, SeqNum{5500}}};
    CHECK(sb.update(una, nxt, mid) == 1000); // only [4000, 5000) is new
    REQUIRE(sb.ranges().size() == 2);
    CHECK(sb.ranges()[1].left == SeqNum{3000});
    CHECK(sb.ranges()[1].right == SeqNum{6000});
    // pipe: unSACKed [2000, 3000) has 3000 SACKed bytes above (> 2 SMSS): lost;
    // [6000, 11000) has nothing above: 5000 counted.
    CHECK(sb.pipe(una, nxt, una, 1000) == 5000);
    // NextSeg: the hole [2000, 3000) is lost (rule 1); with snd_nxt pulled back
    // to 1500 after a timeout only [1000, 1500) could be named, and it is SACKed.
    auto s = sb.next_seg(una, nxt, una, 1000);
    REQUIRE(s);
    CHECK((s->seq == SeqNum{2000} && s->len == 1000 && s->lost));
    CHECK_FALSE(sb.next_seg(una, SeqNum{1500}, una, 1000));
    s = sb.next_seg(una, SeqNum{2500}, una, 1000); // the hole cut at snd_nxt
    REQUIRE(s);
    CHECK((s->seq == SeqNum{2000} && s->len == 500));
    sb.clear();
    CHECK(sb.empty());
}

TEST_CASE("SackScoreboard keeps a bounded number of ranges", "[tcp_parts][sack]") {
    SackScoreboard sb;
    const SeqNum una{0}, nxt{1'000'000};
    // 40 disjoint one-byte-apart ranges [10 k + 1, 10 k + 5), k = 0..39.
    for (std::uint32_t k = 0; k < 40; ++k) {
        std::array<TcpSackBlock, 1> b{TcpSackBlock{SeqNum{10 * k + 1}, SeqNum{10 * k + 5}}};
        (void)sb.update(una, nxt, b);
    }
    CHECK(sb.ranges().size() == SackScoreboard::max_ranges);
    // The lowest 32 are kept (k = 0..31); the highest ends at 10 * 31 + 5.
    CHECK(sb.highest_sacked() == SeqNum{315});
    CHECK(sb.sacked_bytes() == 32 * 4);
}

// ---------------------------------------------------------------------------
TEST_CASE("SendBuffer wraps its ring", "[tcp_parts][buffers]") {
    SendBuffer sb(8);
    CHECK(sb.capacity() == 8);
    CHECK(sb.write(text("abcdef")) == 6);
    CHECK(sb.free() == 2);
    sb.consume(4); // "ab" "cd" acknowledged; "ef" left at ring positions 4, 5
    CHECK(sb.size() == 2);
    CHECK(sb.write(text("ghijklmn")) == 6); // only 6 fit: g h at 6, 7; i..l at 0..3
    CHECK(sb.free() == 0);
    CHECK(sb.write(text("z")) == 0);

    const auto all = sb.peek(0, 100); // clamped to 8
    CHECK(str(all.first) == "efgh");
    CHECK(str(all.second) == "ijkl");
    const auto tail = sb.peek(6, 10); // "kl" at ring 2, 3: one piece
    CHECK(str(tail.first) == "kl");
    CHECK(tail.second.empty());
    CHECK(sb.peek(8, 1).size() == 0);

    // The connection maps a sequence number to an offset by SeqNum arithmetic,
    // across 2^32: snd_una = 2^32 - 4 holds 'e'; byte 2 (after the wrap) is
    // 6 further, 'k'.
    const SeqNum snd_una{0xFFFFFFFCu};
    const auto off = static_cast<std::size_t>(SeqNum{2} - snd_una);
    CHECK(off == 6);
    CHECK(str(sb.peek(off, 1)) == "k");

    sb.consume(100); // clamped
    CHECK(sb.size() == 0);
    CHECK(sb.free() == 8);
    SendBuffer none(0);
    CHECK(none.write(text("x")) == 0);
    CHECK(none.peek(0, 1).size() == 0);
}

TEST_CASE("RecvBuffer assembles out-of-order data", "[tcp_parts][buffers]") {
    RecvBuffer rb(10);
    std::array<RecvBuffer::Range, 4> r{};
    CHECK(rb.window() == 10);

    CHECK(rb.insert(3, text("def")) == 0);
    CHECK(rb.has_out_of_order());
    REQUIRE(rb.sack_ranges(r) == 1);
    CHECK((r[0].begin == 3 && r[0].end == 6));
    CHECK(rb.insert(7, text("h")) == 0);
    CHECK(rb.readable() == 0);

    // "abc" fills the hole: "abcdef" becomes in order (6 bytes); "h" stays out
    // of order, now at offset 7 - 6 = 1.
    CHECK(rb.insert(0, text("abc")) == 6);
    CHECK(rb.readable() == 6);
    CHECK(rb.window() == 4);
    REQUIRE(rb.sack_ranges(r) == 1);
    CHECK((r[0].begin == 1 && r[0].end == 2));

    std::array<Byte, 4> out{};
    CHECK(rb.read(out) == 4);
    CHECK(str(Bytes{out}) == "abcd");
    CHECK(rb.window() == 8);
    CHECK(rb.insert(0, text("g")) == 2); // "g" and the stored "h"
    CHECK_FALSE(rb.has_out_of_order());
    // The ring holds "efgh" at 4..7; "ijklmn" wraps to 8, 9, 0..3.
    CHECK(rb.insert(0, text("ijklmnopq")) == 6); // the window is 6: "opq" does not fit
    CHECK(rb.window() == 0);
    std::array<Byte, 16> all{};
    CHECK(rb.read(all) == 10);
    CHECK(str(Bytes{all}.first(10)) == "efghijklmn");

    // Beyond the window: [8, 10) fits of "xyz" at 8; at 10 nothing does.
    CHECK(rb.insert(8, text("xyz")) == 0);
    REQUIRE(rb.sack_ranges(r) == 1);
    CHECK((r[0].begin == 8 && r[0].end == 10));
    CHECK(rb.insert(10, text("z")) == 0);
    CHECK(rb.insert(100, text("z")) == 0);
    CHECK(rb.sack_ranges(r) == 1);
    CHECK(rb.insert(0, text("01234567")) == 10);
    CHECK(rb.read(all) == 10);
    CHECK(str(Bytes{all}.first(10)) == "01234567xy");
}

TEST_CASE("RecvBuffer lists SACK ranges most recent first (RFC 2018 §4)", "[tcp_parts][sack]") {
    RecvBuffer rb(100);
    std::array<RecvBuffer::Range, 4> r{};
    // Segments arrive at 10, 30, 50 (each 5 bytes): newest first 50, 30, 10.
    (void)rb.insert(10, text("aaaaa"));
    (void)rb.insert(30, text("bbbbb"));
    (void)rb.insert(50, text("ccccc"));
    REQUIRE(rb.sack_ranges(r) == 3);
    CHECK(r[0].begin == 50);
    CHECK(r[1].begin == 30);
    CHECK(r[2].begin == 10);
    // A segment extending the block at 10 makes it the first block.
    (void)rb.insert(15, text("ddddd"));
    REQUIRE(rb.sack_ranges(r) == 3);
    CHECK((r[0].begin == 10 && r[0].end == 20));
    CHECK(r[1].begin == 50);
    CHECK(r[2].begin == 30);
    // Only as many as asked for.
    std::array<RecvBuffer::Range, 2> two{};
    CHECK(rb.sack_ranges(two) == 2);
    CHECK(two[1].begin == 50);
    // A segment joining 30 and 50 merges them into [30, 55), now first.
    (void)rb.insert(35, text("eeeeeeeeeeeeeee"));
    REQUIRE(rb.sack_ranges(r) == 2);
    CHECK((r[0].begin == 30 && r[0].end == 55));
    CHECK((r[1].begin == 10 && r[1].end == 20));
}

TEST_CASE("RecvBuffer bounds its out-of-order ranges", "[tcp_parts][buffers]") {
    RecvBuffer rb(128);
    // Ranges [4k + 2, 4k + 3), k = 0..15: the table is full.
    for (std::uint32_t k = 0; k < RecvBuffer::max_ranges; ++k)
        (void)rb.insert(4 * k + 2, text("x"));
    std::array<RecvBuffer::Range, 32> r{};
    CHECK(rb.sack_ranges(r) == 16);
    // One more above all of them is dropped...
    (void)rb.insert(100, text("y"));
    CHECK(rb.sack_ranges(r) == 16);
    for (std::size_t i = 0; i < 16; ++i)
        CHECK(r[i].begin != 100);
    // ...one below the highest evicts the highest ([62, 63)).
    (void)rb.insert(4, text("z"));
    REQUIRE(rb.sack_ranges(r) == 16);
    CHECK(r[0].begin == 4);
    for (std::size_t i = 0; i < 16; ++i)
        CHECK(r[i].begin != 62);
}

// ---------------------------------------------------------------------------
TEST_CASE("SipHash-2-4 matches the paper's vectors", "[tcp_parts][isn]") {
    // Key 00 01 .. 0f, read little-endian; message 00 01 .. (n - 1).
    const std::uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0F0E0D0C0B0A0908ULL;
    std::array<Byte, 15> m{};
    for (std::size_t i = 0; i < m.size(); ++i)
        m[i] = static_cast<Byte>(i);
    // Appendix A of the paper: the 15-byte message gives a129ca6149be45e5.
    CHECK(siphash24(k0, k1, Bytes{m}) == 0xa129ca6149be45e5ULL);
    // The reference test.c table (vectors_sip64) for lengths 0, 1 and 8.
    CHECK(siphash24(k0, k1, Bytes{m}.first(0)) == 0x726fdb47dd0e0e31ULL);
    CHECK(siphash24(k0, k1, Bytes{m}.first(1)) == 0x74f839c593dc67fdULL);
    CHECK(siphash24(k0, k1, Bytes{m}.first(8)) == 0x93f5f5799a932462ULL);
    static_assert(siphash24(0x0706050403020100ULL, 0x0F0E0D0C0B0A0908ULL, Bytes{}) ==
                  0x726fdb47dd0e0e31ULL);
}

namespace {
FourTuple tuple(std::uint16_t remote_port) {
    return FourTuple{Endpoint{Ipv4Address{10, 0, 0, 1}, Port{80}},
                     Endpoint{Ipv4Address{10, 0, 0, 2}, Port{remote_port}}};
}
} // namespace

TEST_CASE("IsnGenerator: RFC 6528 M + F", "[tcp_parts][isn]") {
    RandomStream rng{42};
    const IsnGenerator gen{rng};
    const FourTuple t = tuple(40000);
    const Instant t1 = at_ns(1'000'000'000);
    // M ticks every 4 µs: 4 ms later the ISN is 1000 further, whatever F is.
    CHECK(gen.isn(t, t1 + std::chrono::milliseconds{4}) - gen.isn(t, t1) == 1000);
    CHECK(gen.isn(t, t1 + std::chrono::microseconds{3}) == gen.isn(t, t1));
    CHECK(gen.isn(t, t1 + std::chrono::microseconds{4}) == gen.isn(t, t1) + 1);
    // Increasing in time for one tuple (over less than 2^31 ticks, ~2.4 h).
    SeqNum prev = gen.isn(t, at_ns(0));
    for (int i = 1; i <= 100; ++i) {
        const SeqNum next = gen.isn(t, at_ns(std::int64_t{i} * 60'000'000'000)); // each minute
        CHECK(next > prev);
        prev = next;
    }
    // Different 4-tuples at the same instant: different offsets F.
    CHECK(gen.isn(tuple(40001), t1) != gen.isn(t, t1));
    FourTuple swapped{t.remote, t.local};
    CHECK(gen.isn(swapped, t1) != gen.isn(t, t1));
    // Another secret, another F.
    RandomStream other{43};
    const IsnGenerator gen2{other};
    CHECK(gen2.isn(t, t1) != gen.isn(t, t1));
    // M alone is the 4 µs clock: 1 s = 250000 ticks.
    CHECK(IsnGenerator::ticks(t1) == 250000);
}

TEST_CASE("SynCookies round trip and reject", "[tcp_parts][syncookie]") {
    RandomStream rng{7};
    const SynCookies sc{rng};
    const FourTuple t = tuple(50000);
    const Instant now = at_ns(5 * SynCookies::period_ns + 63'000'000'000); // late in period 5

    // The MSS comes back as the largest table entry not above the peer's.
    CHECK(sc.check(t, sc.make(t, 1460, now), now) == std::uint16_t{1460});
    CHECK(sc.check(t, sc.make(t, 9000, now), now) == std::uint16_t{1460});
    CHECK(sc.check(t, sc.make(t, 1400, now), now) == std::uint16_t{1300});
    CHECK(sc.check(t, sc.make(t, 1440, now), now) == std::uint16_t{1440});
    CHECK(sc.check(t, sc.make(t, 500, now), now) == std::uint16_t{536});

    const SeqNum cookie = sc.make(t, 1460, now);
    // The next period (age 1) still accepts it; two periods on it is too old.
    CHECK(sc.check(t, cookie, at_ns(6 * SynCookies::period_ns + 1)) == std::uint16_t{1460});
    CHECK_FALSE(sc.check(t, cookie, at_ns(7 * SynCookies::period_ns + 1)));
    // A cookie from the future (a period ahead of now) is refused.
    CHECK_FALSE(sc.check(t, cookie, at_ns(4 * SynCookies::period_ns)));
    // Another 4-tuple never validates it.
    for (std::uint16_t p = 1; p <= 1000; ++p)
        CHECK_FALSE(sc.check(tuple(static_cast<std::uint16_t>(50000 + p)), cookie, now));
    // Another secret does not validate it either.
    RandomStream other{8};
    const SynCookies sc2{other};
    CHECK_FALSE(sc2.check(t, cookie, now));
}

// ---------------------------------------------------------------------------
// Model checks: the same operations on a byte-per-flag model written straight
// from the RFC text, with random inputs (fixed seeds).
namespace {
struct ByteModel {
    std::vector<bool> sacked; // per byte offset from the first snd_una
    std::uint32_t una = 0, nxt = 0, mss = 10;
    // IsLost (RFC 6675 §4): DupThresh discontiguous SACKed runs or more than
    // 2 SMSS SACKed bytes above b.
    bool lost(std::uint32_t b) const {
        std::uint32_t runs = 0, bytes = 0;
        for (std::uint32_t i = b + 1; i < nxt; ++i) {
            if (!sacked[i]) continue;
            ++bytes;
            if (i == b + 1 || !sacked[i - 1]) ++runs;
        }
        return runs >= 3 || bytes > 2 * mss;
    }
    // SetPipe per octet.
    std::uint32_t pipe(std::uint32_t high_rxt) const {
        std::uint32_t p = 0;
        for (std::uint32_t b = una; b < nxt; ++b) {
            if (sacked[b]) continue;
            if (!lost(b)) ++p;
            if (b < high_rxt) ++p;
        }
        return p;
    }
};
} // namespace

TEST_CASE("SackScoreboard agrees with a byte model of RFC 6675", "[tcp_parts][sack]") {
    RandomStream rng{2026};
    for (int round = 0; round < 300; ++round) {
        ByteModel m;
        const SeqNum base{static_cast<std::uint32_t>(rng.next())}; // anywhere, wrap included
        m.nxt = 20 + static_cast<std::uint32_t>(rng.below(181));
        m.sacked.assign(m.nxt, false);
        const SeqNum nxt = base + m.nxt;
        SackScoreboard sb;
        const int updates = 1 + static_cast<int>(rng.below(6));
        for (int u = 0; u < updates; ++u) {
            if (rng.chance(0.3)) m.una += static_cast<std::uint32_t>(rng.below(m.nxt / 4 + 1));
            if (m.una > m.nxt) m.una = m.nxt;
            std::array<TcpSackBlock, 4> blocks{};
            const std::size_t n = 1 + rng.below(4);
            std::uint32_t expect_new = 0;
            for (std::size_t k = 0; k < n; ++k) {
                const auto l = static_cast<std::int64_t>(rng.below(m.nxt + 20)) - 10;
                const auto len = static_cast<std::int64_t>(rng.below(40)) - 5;
                blocks[k] = TcpSackBlock{base + static_cast<std::uint32_t>(l),
                                         base + static_cast<std::uint32_t>(l + len)};
                // The rules of update(): non-empty, ending above snd_una and
                // not beyond snd_nxt; cut at snd_una.
                if (len <= 0 || l + len <= m.una || l + len > m.nxt) continue;
                for (auto b = l < m.una ? std::int64_t{m.una} : l; b < l + len; ++b) {
                    const auto i = static_cast<std::size_t>(b);
                    if (!m.sacked[i]) ++expect_new;
                    m.sacked[i] = true;
                }
            }
            CHECK(sb.update(base + m.una, nxt, std::span{blocks}.first(n)) == expect_new);
        }
        const SeqNum una = base + m.una;
        std::uint32_t total = 0;
        bool all_same = true;
        for (std::uint32_t b = m.una; b < m.nxt; ++b) {
            total += m.sacked[b] ? 1 : 0;
            all_same = all_same && sb.is_sacked(base + b) == m.sacked[b];
            if (!m.sacked[b]) all_same = all_same && sb.is_lost(base + b, m.mss) == m.lost(b);
        }
        CHECK(all_same);
        CHECK(sb.sacked_bytes() == total);
        const std::uint32_t hr = m.una + static_cast<std::uint32_t>(rng.below(m.nxt - m.una + 1));
        CHECK(sb.pipe(una, nxt, base + hr, m.mss) == m.pipe(hr));
        // NextSeg: the lowest unSACKed byte at or above HighRxt with SACKed data above it.
        std::optional<std::uint32_t> first;
        std::uint32_t last_sacked = 0;
        bool any = false;
        for (std::uint32_t b = m.una; b < m.nxt; ++b)
            if (m.sacked[b]) any = true, last_sacked = b;
        for (std::uint32_t b = hr; any && b < last_sacked; ++b)
            if (!m.sacked[b]) {
                first = b;
                break;
            }
        const auto s = sb.next_seg(una, nxt, base + hr, m.mss);
        REQUIRE(s.has_value() == first.has_value());
        if (first) {
            std::uint32_t len = 0;
            while (len < m.mss && !m.sacked[*first + len])
                ++len;
            CHECK(s->seq == base + *first);
            CHECK(s->len == len);
            CHECK(s->lost == m.lost(*first));
        }
    }
}

TEST_CASE("RecvBuffer agrees with a byte model", "[tcp_parts][buffers]") {
    RandomStream rng{77};
    const auto stream = [](std::size_t i) { return static_cast<Byte>((i * 7 + i / 251) & 0xff); };
    for (int round = 0; round < 100; ++round) {
        const std::size_t cap = 16 + rng.below(40);
        RecvBuffer rb(cap);
        std::vector<bool> have(4096, false); // absolute stream positions received
        std::size_t rcv_nxt = 0, read_pos = 0;
        bool has_last = false; // the last stored segment was out of order
        std::size_t last_b = 0, last_e = 0;
        for (int step = 0; step < 200 && rcv_nxt + 2 * cap < have.size(); ++step) {
            if (rng.chance(0.3)) {
                std::array<Byte, 32> out{};
                const std::size_t want = rng.below(out.size() + 1);
                const std::size_t got = rb.read(std::span{out}.first(want));
                REQUIRE(got == std::min(want, rcv_nxt - read_pos));
                for (std::size_t i = 0; i < got; ++i)
                    REQUIRE(out[i] == stream(read_pos + i));
                read_pos += got;
            } else {
                const std::size_t off = rng.below(cap + 4);
                const std::size_t len = 3 + rng.below(8);
                std::array<Byte, 16> seg{};
                for (std::size_t i = 0; i < len; ++i)
                    seg[i] = stream(rcv_nxt + off + i);
                const std::size_t window = cap - (rcv_nxt - read_pos);
                std::size_t expect = 0;
                if (off < window) {
                    const std::size_t end = std::min(off + len, window);
                    for (std::size_t i = off; i < end; ++i)
                        have[rcv_nxt + i] = true;
                    while (have[rcv_nxt + expect])
                        ++expect;
                    has_last = off > 0 && expect == 0;
                    last_b = off;
                    last_e = end;
                }
                REQUIRE(rb.insert(off, std::span{seg}.first(len)) == expect);
                rcv_nxt += expect;
            }
            // The out-of-order runs of the model, as offsets from rcv_nxt.
            std::vector<std::pair<std::uint32_t, std::uint32_t>> runs;
            for (std::size_t i = rcv_nxt; i <= rcv_nxt + cap; ++i)
                if (have[i] && (i == rcv_nxt || !have[i - 1]))
                    runs.emplace_back(static_cast<std::uint32_t>(i - rcv_nxt), 0);
                else if (!have[i] && i > rcv_nxt && have[i - 1])
                    runs.back().second = static_cast<std::uint32_t>(i - rcv_nxt);
            if (runs.size() > RecvBuffer::max_ranges) break; // beyond what the model mimics
            std::array<RecvBuffer::Range, RecvBuffer::max_ranges> r{};
            const std::size_t n = rb.sack_ranges(r);
            REQUIRE(n == runs.size());
            std::vector<std::pair<std::uint32_t, std::uint32_t>> got;
            for (std::size_t i = 0; i < n; ++i)
                got.emplace_back(r[i].begin, r[i].end);
            std::sort(got.begin(), got.end());
            CHECK(got == runs);
            // RFC 2018 §4: the first block holds the segment just stored.
            if (has_last && n > 0) CHECK((r[0].begin <= last_b && last_e <= r[0].end));
            CHECK(rb.window() == cap - (rcv_nxt - read_pos));
        }
    }
}

TEST_CASE("SendBuffer agrees with a deque", "[tcp_parts][buffers]") {
    RandomStream rng{5};
    SendBuffer sb(37);
    std::vector<Byte> model;
    Byte next = 0;
    for (int step = 0; step < 5000; ++step) {
        if (rng.chance(0.5)) {
            std::array<Byte, 20> in{};
            const std::size_t n = rng.below(in.size() + 1);
            for (std::size_t i = 0; i < n; ++i)
                in[i] = static_cast<Byte>(next + i);
            const std::size_t took = sb.write(std::span{in}.first(n));
            REQUIRE(took == std::min(n, 37 - model.size()));
            model.insert(model.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(took));
            next = static_cast<Byte>(next + took);
        } else {
            const std::size_t n = rng.below(15);
            sb.consume(n);
            model.erase(model.begin(),
                        model.begin() + static_cast<std::ptrdiff_t>(std::min(n, model.size())));
        }
        const std::size_t off = rng.below(40), len = rng.below(40);
        const auto p = sb.peek(off, len);
        const std::size_t expect = off >= model.size() ? 0 : std::min(len, model.size() - off);
        REQUIRE(p.size() == expect);
        for (std::size_t i = 0; i < expect; ++i)
            REQUIRE((i < p.first.size() ? p.first[i] : p.second[i - p.first.size()]) ==
                    model[off + i]);
        REQUIRE(sb.size() == model.size());
    }
}
