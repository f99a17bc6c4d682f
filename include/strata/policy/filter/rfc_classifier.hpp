// Recursive Flow Classification (Gupta and McKeown, SIGCOMM 1999): the first
// matching rule in eleven table reads, whatever the number of rules.
//
// Phase 0 cuts the packet into seven chunks (source address high and low 16
// bits, destination high and low, protocol, source port, destination port;
// a packet without ports has port value RuleBox::no_port) and reads each
// chunk's equivalence class from a direct table: values with the same set of
// rules matching on that chunk share a class. A prefix is exactly the
// product of a range of its high half and a range of its low half, so "the
// address matches" is "both halves match". Later phases combine two classes
// into the class of the intersection of their rule sets, by one read of a
// cross-product table:
//
//   phase 1  src = (src_hi, src_lo)   dst = (dst_hi, dst_lo)   pp = (proto, sport)
//   phase 2  addr = (src, dst)        ports = (pp, dport)
//   phase 3  rule = (addr, ports)     the lowest rule of the intersection
//
// A burst goes phase by phase over a group of packets, so that the table
// reads of different packets overlap in the memory system (what rte_acl gets
// from running 16-32 packets through its tries in parallel).
//
// Memory grows with the number of classes, which grows with the rules; the
// build gives up (built() is false) when a table would pass `max_entries` or
// a class count would not fit 16 bits, and filter::Classifier then uses bit
// vectors. Rules with extra keys (router ports, MAC, TCP flags, ICMP) are
// not resolved here: when the first rule of the final class has extra keys,
// first_match answers `unresolved` and the caller decides with another
// classifier (the bit vectors, which check extra keys rule after rule).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/policy/filter/rule.hpp>
#include <strata/policy/filter/rule_box.hpp>

namespace strata::filter {

class RfcClassifier {
public:
    static constexpr std::uint16_t none = 0xffff;
    static constexpr std::uint16_t unresolved = 0xfffe;
    /// At most this many rules (16-bit rule numbers, two reserved).
    static constexpr std::size_t max_rules = 0xfffd;
    /// The largest table (entries of 2 bytes) the build accepts.
    static constexpr std::size_t default_max_entries = std::size_t{4} << 20;

    RfcClassifier() = default;
    explicit RfcClassifier(std::span<const Rule> rules,
                           std::size_t max_entries = default_max_entries) {
        built_ = build(rules, max_entries);
        if (!built_) *this = RfcClassifier{};
    }

    [[nodiscard]] bool built() const noexcept { return built_; }

    /// The first rule matching `p` on the five indexed fields; `none`; or
    /// `unresolved` when that rule has extra keys.
    [[nodiscard]] std::uint16_t first_match(const Packet& p) const noexcept {
        const auto x = RuleBox::point(p);
        std::uint32_t c[slots];
        c[0] = chunks_[0].at(x[0] >> 16);
        c[1] = chunks_[1].at(x[0] & 0xffff);
        c[2] = chunks_[2].at(x[1] >> 16);
        c[3] = chunks_[3].at(x[1] & 0xffff);
        c[4] = chunks_[4].at(x[2]);
        c[5] = chunks_[5].at(x[3]);
        c[6] = chunks_[6].at(x[4]);
        for (std::size_t k = 0; k < steps_.size(); ++k)
            c[chunk_count + k] = steps_[k].at(c[steps_[k].a], c[steps_[k].b]);
        return static_cast<std::uint16_t>(c[chunk_count + steps_.size() - 1]);
    }

    /// first_match for a burst: out[i] for packets[i]. Each phase runs over
    /// a group of packets before the next. Precondition: out.size() >=
    /// packets.size().
    void first_match_burst(std::span<const Packet> packets,
                           std::span<std::uint16_t> out) const noexcept {
        constexpr std::size_t group = 32;
        std::uint32_t c[slots][group];
        for (std::size_t base = 0; base < packets.size(); base += group) {
            const std::size_t m = std::min(group, packets.size() - base);
            for (std::size_t i = 0; i < m; ++i) {
                const auto x = RuleBox::point(packets[base + i]);
                c[0][i] = chunks_[0].at(x[0] >> 16);
                c[1][i] = chunks_[1].at(x[0] & 0xffff);
                c[2][i] = chunks_[2].at(x[1] >> 16);
                c[3][i] = chunks_[3].at(x[1] & 0xffff);
                c[4][i] = chunks_[4].at(x[2]);
                c[5][i] = chunks_[5].at(x[3]);
                c[6][i] = chunks_[6].at(x[4]);
            }
            for (std::size_t k = 0; k < steps_.size(); ++k) {
                const Table& t = steps_[k];
                const std::uint32_t* a = c[t.a];
                const std::uint32_t* b = c[t.b];
                std::uint32_t* to = c[chunk_count + k];
                for (std::size_t i = 0; i < m; ++i)
                    to[i] = t.at(a[i], b[i]);
            }
            const std::uint32_t* last = c[chunk_count + steps_.size() - 1];
            for (std::size_t i = 0; i < m; ++i)
                out[base + i] = static_cast<std::uint16_t>(last[i]);
        }
    }

    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        std::size_t n = 0;
        for (const auto& t : chunks_)
            n += t.narrow.size() + 2 * t.wide.size();
        for (const auto& t : steps_)
            n += 2 * t.cells.size();
        return n;
    }

private:
    /// A cross-product table: (class a, class b) -> class.
    struct Table {
        std::vector<std::uint16_t> cells;
        std::uint32_t width = 0;   ///< classes of b
        std::uint8_t a = 0, b = 0; ///< the slots combined
        [[nodiscard]] std::uint16_t at(std::uint32_t a, std::uint32_t b) const noexcept {
            return cells[std::size_t{a} * width + b];
        }
    };

    /// Equivalence classes: distinct rule sets (bit vectors over the rules),
    /// stored one after another.
    class Classes {
    public:
        explicit Classes(std::size_t words) : words_(words) {}
        /// The class of `bits`; false when there would be more than 65,536.
        bool add(const std::uint64_t* bits, std::uint16_t& id) {
            std::uint64_t h = 0x9e3779b97f4a7c15ULL;
            for (std::size_t w = 0; w < words_; ++w)
                h = (h ^ bits[w]) * 0xff51afd7ed558ccdULL ^ (h >> 29);
            if (auto it = seen_.find(h); it != seen_.end()) {
                if (std::equal(bits, bits + words_, set(it->second))) {
                    id = it->second;
                    return true;
                }
            }
            const std::size_t n = size();
            if (n > 0xffff) return false;
            id = static_cast<std::uint16_t>(n);
            sets_.insert(sets_.end(), bits, bits + words_);
            seen_.emplace(h, id); // a hash collision only leaves a duplicate class
            return true;
        }
        [[nodiscard]] const std::uint64_t* set(std::size_t id) const noexcept {
            return sets_.data() + id * words_;
        }
        [[nodiscard]] std::size_t size() const noexcept { return sets_.size() / words_; }

    private:
        std::size_t words_;
        std::vector<std::uint64_t> sets_;
        boost::unordered_flat_map<std::uint64_t, std::uint16_t> seen_;
    };

    struct Range {
        std::uint32_t lo, hi;
    };

    /// Phase 0 for one chunk of `domain` values: the class of every value.
    bool chunk(const std::vector<Range>& ranges, std::size_t domain,
               std::vector<std::uint16_t>& table, Classes& classes) const {
        // Elementary intervals by a sweep over the range ends.
        std::vector<std::pair<std::uint32_t, std::uint32_t>> events; // (value, rule | end bit)
        events.reserve(2 * ranges.size());
        constexpr std::uint32_t end_bit = 0x80000000u;
        for (std::uint32_t r = 0; r < ranges.size(); ++r) {
            events.emplace_back(ranges[r].lo, r);
            if (ranges[r].hi + std::size_t{1} < domain)
                events.emplace_back(ranges[r].hi + 1, r | end_bit);
        }
        std::sort(events.begin(), events.end());
        std::vector<std::uint64_t> cur(words_, 0);
        table.assign(domain, 0);
        std::size_t e = 0;
        std::uint32_t v = 0;
        while (v < domain) {
            while (e < events.size() && events[e].first == v) {
                const std::uint32_t r = events[e].second & ~end_bit;
                if (events[e].second & end_bit)
                    cur[r / 64] &= ~(std::uint64_t{1} << (r % 64));
                else
                    cur[r / 64] |= std::uint64_t{1} << (r % 64);
                ++e;
            }
            const std::size_t next =
                e < events.size() ? events[e].first : static_cast<std::uint32_t>(domain);
            std::uint16_t id = 0;
            if (!classes.add(cur.data(), id)) return false;
            std::fill(table.begin() + v, table.begin() + static_cast<std::ptrdiff_t>(next), id);
            v = static_cast<std::uint32_t>(next);
        }
        return true;
    }

    /// Phase 1-2: the classes of every pair's intersection.
    bool combine(const Classes& a, const Classes& b, Table& t, Classes& out,
                 std::size_t max_entries) const {
        const std::size_t entries = a.size() * b.size();
        if (entries > max_entries) return false;
        t.width = static_cast<std::uint32_t>(b.size());
        t.cells.resize(entries);
        std::vector<std::uint64_t> tmp(words_);
        for (std::size_t i = 0; i < a.size(); ++i) {
            const std::uint64_t* x = a.set(i);
            for (std::size_t j = 0; j < b.size(); ++j) {
                const std::uint64_t* y = b.set(j);
                for (std::size_t w = 0; w < words_; ++w)
                    tmp[w] = x[w] & y[w];
                if (!out.add(tmp.data(), t.cells[i * b.size() + j])) return false;
            }
        }
        return true;
    }

    bool build(std::span<const Rule> rules, std::size_t max_entries) {
        if (rules.empty() || rules.size() > max_rules) return false;
        words_ = (rules.size() + 63) / 64;
        std::array<std::vector<Range>, 7> r;
        for (const Rule& rule : rules) {
            const RuleBox b = RuleBox::of(rule);
            for (std::size_t f = 0; f < 2; ++f) {
                // A prefix of length >= 16 fixes the high half and ranges
                // over the low; a shorter one ranges over the high half and
                // takes every low half.
                const bool long_prefix = (f == 0 ? rule.src : rule.dst).length() >= 16;
                r[2 * f].push_back({b.lo[f] >> 16, b.hi[f] >> 16});
                r[2 * f + 1].push_back(long_prefix ? Range{b.lo[f] & 0xffff, b.hi[f] & 0xffff}
                                                   : Range{0, 0xffff});
            }
            r[4].push_back({b.lo[2], b.hi[2]});
            r[5].push_back({b.lo[3], b.hi[3]});
            r[6].push_back({b.lo[4], b.hi[4]});
        }
        std::vector<Classes> c0(7, Classes(words_));
        const std::size_t domains[7] = {
            65536, 65536, 65536, 65536, 256, RuleBox::no_port + 1, RuleBox::no_port + 1};
        for (std::size_t k = 0; k < 7; ++k) {
            if (!chunk(r[k], domains[k], chunks_[k].wide, c0[k])) return false;
            if (c0[k].size() <= 256) {
                chunks_[k].narrow.assign(chunks_[k].wide.begin(), chunks_[k].wide.end());
                chunks_[k].wide = {};
            }
        }
        // The phase trees tried, smallest tables first on ClassBench-style
        // lists: slot 7 = src, 8 = dst, 9 = (proto, sport), then A: addr x
        // (pp x dport); B: ((addr x pp) x dport), one read more but no table
        // of addr x ports classes.
        static constexpr std::uint8_t trees[2][6][2] = {
            {{0, 1}, {2, 3}, {4, 5}, {7, 8}, {10, 9}, {11, 6}},
            {{0, 1}, {2, 3}, {4, 5}, {7, 8}, {9, 6}, {10, 11}},
        };
        for (const auto& tree : trees) {
            std::vector<Classes> c(c0);
            steps_.assign(6, Table{});
            bool ok = true;
            for (std::size_t k = 0; k < 6 && ok; ++k) {
                Table& t = steps_[k];
                t.a = tree[k][0];
                t.b = tree[k][1];
                if (k + 1 < 6) {
                    c.emplace_back(words_);
                    ok = combine(c[t.a], c[t.b], t, c.back(), max_entries);
                } else {
                    ok = last(c[t.a], c[t.b], t, rules, max_entries);
                }
            }
            if (ok) return true;
        }
        return false;
    }

    /// The last phase: the lowest rule of each intersection.
    bool last(const Classes& a, const Classes& b, Table& t, std::span<const Rule> rules,
              std::size_t max_entries) const {
        if (a.size() * b.size() > max_entries) return false;
        t.width = static_cast<std::uint32_t>(b.size());
        t.cells.resize(a.size() * b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            const std::uint64_t* x = a.set(i);
            for (std::size_t j = 0; j < b.size(); ++j) {
                const std::uint64_t* y = b.set(j);
                std::uint16_t v = none;
                for (std::size_t w = 0; w < words_; ++w)
                    if (const std::uint64_t m = x[w] & y[w]; m != 0) {
                        const std::size_t r =
                            w * 64 + static_cast<std::size_t>(std::countr_zero(m));
                        v = rules[r].has_extra_keys() ? unresolved : static_cast<std::uint16_t>(r);
                        break;
                    }
                t.cells[i * b.size() + j] = v;
            }
        }
        return true;
    }

    static constexpr std::size_t chunk_count = 7;
    static constexpr std::size_t slots = chunk_count + 6;

    bool built_ = false;
    std::size_t words_ = 0;
    /// A phase-0 table: one byte per value when the chunk has at most 256
    /// classes (ports and the high address halves usually do), else two;
    /// smaller tables stay in the caches.
    struct Chunk {
        std::vector<std::uint8_t> narrow;
        std::vector<std::uint16_t> wide;
        [[nodiscard]] std::uint32_t at(std::size_t v) const noexcept {
            return narrow.empty() ? wide[v] : narrow[v];
        }
    };
    std::array<Chunk, chunk_count> chunks_; ///< phase 0
    std::vector<Table> steps_;              ///< the later phases; the last gives the rule
};

} // namespace strata::filter
