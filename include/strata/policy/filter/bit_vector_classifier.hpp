// The first matching rule of an ordered list without trying every rule: the
// bit-vector scheme of Lakshman and Stiliadis (SIGCOMM 1998) with aggregated
// bit vectors (Baboescu and Varghese, SIGCOMM 2001).
//
// Each of the five indexed fields (source and destination address, protocol,
// source and destination port) cuts its value space into elementary
// intervals at the rules' range ends; every interval has the bit vector of
// the rules whose range covers it (bit i = rule i; equal vectors are stored
// once). A packet looks up one vector per field, and the rules that match
// all five fields are the set bits of their AND: the lowest set bit is the
// first match. Each vector starts with a summary (one bit per 64-bit word:
// the word is not zero), so the AND only touches words that all five fields
// have non-zero: with 10,000 rules (157 words) a packet reads 3 summary
// words per field and then, usually, one or two words.
//
// Keys the classifier does not index (router ports, MAC, TCP flags, ICMP
// type) are checked by the caller on each candidate, in rule order, so a
// candidate whose extra keys fail lets the scan go on to the next set bit:
// first-match order is kept exactly.
//
// Lookups read only; nothing is allocated per packet. Building is control
// plane and allocates: O(fields x intervals x words) time and memory.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/policy/filter/rule.hpp>

namespace strata::filter {

class BitVectorClassifier {
public:
    static constexpr std::uint32_t none = ~0u;
    /// Interval and class numbers are 16-bit: 2 x 32,767 + 1 intervals fit.
    static constexpr std::size_t max_rules = 32767;

    BitVectorClassifier() = default;

    /// Precondition: rules.size() <= max_rules, every rule passes check_rule.
    explicit BitVectorClassifier(std::span<const Rule> rules) { build(rules); }

    /// The index of the first rule whose indexed keys match `p` and, for rules
    /// with extra keys, for which `extra_ok(index)` is true; `none` if none.
    template <class ExtraOk>
    [[nodiscard]] std::uint32_t first_match(const Packet& p, ExtraOk&& extra_ok) const {
        if (words_ == 0) return none;
        return scan(classes_of(p), extra_ok);
    }

    /// first_match for a burst: out[i] for packets[i]. The field lookups of a
    /// group of packets go first, then the scans, so that the memory accesses
    /// of different packets overlap (rte_acl works on bursts the same way).
    /// Precondition: out.size() >= packets.size().
    template <class ExtraOk>
    void first_match_burst(std::span<const Packet> packets, std::span<std::uint32_t> out,
                           ExtraOk&& extra_ok) const {
        constexpr std::size_t group = 16;
        Classes k[group];
        for (std::size_t base = 0; base < packets.size(); base += group) {
            const std::size_t m = std::min(group, packets.size() - base);
            if (words_ <= small_words) {
                // Small tables stay in L1/L2: grouping only adds work.
                for (std::size_t i = 0; i < m; ++i)
                    out[base + i] = first_match(
                        packets[base + i], [&](std::uint32_t r) { return extra_ok(base + i, r); });
                continue;
            }
            for (std::size_t i = 0; i < m; ++i)
                k[i] = classes_of(packets[base + i]);
            for (std::size_t i = 0; i < m; ++i)
                for (std::size_t f = 0; f < 2; ++f) // the address rows, read first
                    __builtin_prefetch(field(f).row_of_class(k[i].c[f]));
            for (std::size_t i = 0; i < m; ++i)
                out[base + i] = scan(k[i], [&](std::uint32_t r) { return extra_ok(base + i, r); });
        }
    }

    [[nodiscard]] std::size_t rule_count() const noexcept { return rules_; }
    /// Bytes of lookup structures (what a packet's lookups may touch).
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return src_.memory_bytes() + dst_.memory_bytes() + proto_.memory_bytes() +
               sport_.memory_bytes() + dport_.memory_bytes() + extra_.size();
    }

private:
    struct Interval {
        std::uint32_t lo, hi;
    };

    static constexpr std::size_t fields = 5;
    /// Fields of at most this many intervals are searched whole, without a
    /// table. Measured: even 200 intervals (8 dependent steps) cost more than
    /// the tables' L2 accesses, so every field gets its table.
    static constexpr std::size_t small_field = 1;
    /// Up to this many words (256 rules) first_match_burst takes packets one
    /// at a time (measured faster at 100 rules, slower at 1,000).
    static constexpr std::size_t small_words = 4;
    struct Classes {
        std::uint16_t c[fields];
    };

    /// One field: value -> interval -> class -> bit vector. A class's vector
    /// is one row (summary, then words): a packet decided by an early rule
    /// reads the row's first cache line or two.
    class Field {
    public:
        // Address fields: the intervals' first values, indexed by their top 16
        // bits so that a lookup searches only the few boundaries of one /16.
        std::vector<std::uint32_t> bounds;
        std::vector<std::uint16_t> top16; ///< 65,537 entries: first bound of each /16
        std::vector<std::uint16_t> cls;   ///< class of each interval
        // Small fields (protocol, ports): the class of every value directly.
        std::vector<std::uint16_t> direct;
        std::uint16_t no_port = 0;       ///< ports: the class of packets without ports
        std::vector<std::uint64_t> rows; ///< class after class: summary words, then words
        std::size_t stride = 0;          ///< summary words + words

        [[nodiscard]] const std::uint64_t* row_of_class(std::size_t c) const noexcept {
            return rows.data() + c * stride;
        }
        [[nodiscard]] std::uint16_t class_of(std::uint32_t v) const noexcept {
            if (!direct.empty()) return direct[v];
            const std::uint32_t* b = bounds.data();
            // Few bounds: search them all (they fit in a few cache lines).
            // Many: only those of v's /16. Bound 0 is always present, so the
            // interval is (bounds <= v) - 1.
            std::size_t first = 0, len = bounds.size();
            if (!top16.empty()) {
                const std::uint32_t h = v >> 16;
                first = top16[h];
                len = std::size_t{top16[h + 1]} - first;
                if (len == 0) return cls[first - 1];
            }
            // Branch-free binary search (a conditional move per step): the
            // comparisons of random addresses cannot be predicted.
            const std::uint32_t* base = b + first;
            while (len > 1) {
                const std::size_t half = len / 2;
                base = base[half] <= v ? base + half : base;
                len -= half;
            }
            const std::size_t count = static_cast<std::size_t>(base - b) + (*base <= v ? 1 : 0);
            return cls[count - 1];
        }
        [[nodiscard]] std::size_t memory_bytes() const noexcept {
            return bounds.size() * 4 + top16.size() * 2 + cls.size() * 2 + direct.size() * 2 +
                   rows.size() * 8;
        }
    };

    [[nodiscard]] const Field& field(std::size_t f) const noexcept {
        const Field* all[fields] = {&src_, &dst_, &proto_, &sport_, &dport_};
        return *all[f];
    }

    [[nodiscard]] Classes classes_of(const Packet& p) const noexcept {
        const bool ports = has_ports(p);
        return {{src_.class_of(p.src.value()), dst_.class_of(p.dst.value()),
                 proto_.class_of(p.protocol), ports ? sport_.class_of(p.sport) : sport_.no_port,
                 ports ? dport_.class_of(p.dport) : dport_.no_port}};
    }

    template <class ExtraOk>
    [[nodiscard]] std::uint32_t scan(const Classes& k, ExtraOk&& extra_ok) const {
        const std::uint64_t* f0 = src_.row_of_class(k.c[0]);
        const std::uint64_t* f1 = dst_.row_of_class(k.c[1]);
        const std::uint64_t* f2 = proto_.row_of_class(k.c[2]);
        const std::uint64_t* f3 = sport_.row_of_class(k.c[3]);
        const std::uint64_t* f4 = dport_.row_of_class(k.c[4]);
        // The address fields are the selective ones: their AND alone is zero
        // for most words, and then the other three rows are not read.
        const std::size_t s_words = summary_words_;
        for (std::size_t s = 0; s < s_words; ++s) {
            std::uint64_t m = f0[s] & f1[s];
            if (m == 0) continue;
            m &= f2[s] & f3[s] & f4[s];
            while (m != 0) {
                const std::size_t w = s * 64 + static_cast<std::size_t>(std::countr_zero(m));
                const std::size_t at = s_words + w;
                std::uint64_t x = f0[at] & f1[at];
                if (x != 0) x &= f2[at] & f3[at] & f4[at];
                while (x != 0) {
                    const auto r = static_cast<std::uint32_t>(
                        w * 64 + static_cast<std::size_t>(std::countr_zero(x)));
                    if (!extra_[r] || extra_ok(r)) return r;
                    x &= x - 1;
                }
                m &= m - 1;
            }
        }
        return none;
    }

    /// Deduplicates bit vectors into class rows.
    class RowSet {
    public:
        RowSet(Field& f, std::size_t words, std::size_t summary)
            : f_(f), words_(words), summary_(summary) {
            f_.stride = words + summary;
        }
        std::uint16_t add(const std::vector<std::uint64_t>& bits) {
            std::uint64_t h = 0x9e3779b97f4a7c15ULL;
            for (const auto w : bits)
                h = (h ^ w) * 0xff51afd7ed558ccdULL ^ (h >> 29);
            if (auto it = seen_.find(h); it != seen_.end()) {
                const std::uint64_t* row = f_.row_of_class(it->second) + summary_;
                if (std::equal(bits.begin(), bits.end(), row)) return it->second;
            }
            const auto c = static_cast<std::uint16_t>(f_.rows.size() / f_.stride);
            const std::size_t at = f_.rows.size();
            f_.rows.resize(at + f_.stride, 0);
            for (std::size_t w = 0; w < words_; ++w) {
                f_.rows[at + summary_ + w] = bits[w];
                if (bits[w] != 0) f_.rows[at + w / 64] |= std::uint64_t{1} << (w % 64);
            }
            seen_.emplace(h, c); // on a (rare) hash collision the new row just is not shared
            return c;
        }

    private:
        Field& f_;
        std::size_t words_, summary_;
        boost::unordered_flat_map<std::uint64_t, std::uint16_t> seen_;
    };

    /// Sweeps the value space [0, max]: the class of every elementary interval.
    void build_field(Field& f, const std::vector<Interval>& ranges, std::uint32_t max) {
        std::vector<std::uint32_t> bounds{0};
        for (const auto& r : ranges) {
            bounds.push_back(r.lo);
            if (r.hi < max) bounds.push_back(r.hi + 1);
        }
        std::sort(bounds.begin(), bounds.end());
        bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
        const std::size_t n = bounds.size();
        auto index_of = [&](std::uint32_t v) {
            return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), v) -
                                            bounds.begin());
        };
        // Per interval: the rules that start there and those that end before it.
        // Counting sort by interval; past == n (ends at the top) is kept in slot n.
        std::vector<std::uint32_t> start_count(n + 2, 0), end_count(n + 2, 0);
        std::vector<std::size_t> first(ranges.size()), past(ranges.size());
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            first[i] = index_of(ranges[i].lo);
            past[i] = ranges[i].hi < max ? index_of(ranges[i].hi + 1) : n;
            ++start_count[first[i] + 1];
            ++end_count[past[i] + 1];
        }
        for (std::size_t k = 0; k <= n; ++k) {
            start_count[k + 1] += start_count[k];
            end_count[k + 1] += end_count[k];
        }
        std::vector<std::uint32_t> starts(ranges.size()), ends(ranges.size());
        {
            auto s = start_count, e = end_count;
            for (std::size_t i = 0; i < ranges.size(); ++i) {
                starts[s[first[i]]++] = static_cast<std::uint32_t>(i);
                ends[e[past[i]]++] = static_cast<std::uint32_t>(i);
            }
        }
        RowSet set(f, words_, summary_words_);
        std::vector<std::uint64_t> cur(words_, 0);
        std::vector<std::uint16_t> cls(n);
        for (std::size_t k = 0; k < n; ++k) {
            for (auto j = end_count[k]; j < end_count[k + 1]; ++j)
                cur[ends[j] / 64] &= ~(std::uint64_t{1} << (ends[j] % 64));
            for (auto j = start_count[k]; j < start_count[k + 1]; ++j)
                cur[starts[j] / 64] |= std::uint64_t{1} << (starts[j] % 64);
            cls[k] = set.add(cur);
        }
        if (max <= 0xff || (max <= 0xffff && n > small_field)) {
            f.direct.resize(std::size_t{max} + 1);
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t end = k + 1 < n ? bounds[k + 1] : std::size_t{max} + 1;
                std::fill(f.direct.data() + bounds[k], f.direct.data() + end, cls[k]);
            }
            return;
        }
        if (n > small_field) {
            f.top16.resize(65537);
            for (std::uint32_t h = 0; h <= 65536; ++h)
                f.top16[h] = static_cast<std::uint16_t>(
                    h == 65536 ? n
                               : static_cast<std::size_t>(
                                     std::lower_bound(bounds.begin(), bounds.end(), h << 16) -
                                     bounds.begin()));
        }
        f.bounds = std::move(bounds);
        f.cls = std::move(cls);
    }

    static Interval prefix_interval(Ipv4Prefix p) noexcept {
        const std::uint32_t lo = p.network_address().value();
        return {lo, lo | ~netmask_bits(p.length())};
    }

    void build(std::span<const Rule> rules) {
        rules_ = rules.size();
        words_ = (rules.size() + 63) / 64;
        summary_words_ = (words_ + 63) / 64;
        extra_.assign(rules.size(), 0);
        if (rules.empty()) return; // first_match answers none without tables
        std::vector<Interval> src, dst, proto, sport, dport;
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const Rule& r = rules[i];
            extra_[i] = r.has_extra_keys() ? 1 : 0;
            src.push_back(prefix_interval(r.src));
            dst.push_back(prefix_interval(r.dst));
            proto.push_back(r.proto ? Interval{*r.proto, *r.proto} : Interval{0, 255});
            sport.push_back(r.sport ? Interval{r.sport->first, r.sport->last} : Interval{0, 65535});
            dport.push_back(r.dport ? Interval{r.dport->first, r.dport->last} : Interval{0, 65535});
        }
        build_field(src_, src, 0xffffffffu);
        build_field(dst_, dst, 0xffffffffu);
        build_field(proto_, proto, 255);
        build_field(sport_, sport, 65535);
        build_field(dport_, dport, 65535);
        // A packet without ports matches only the rules without a port key.
        auto no_port_class = [&](Field& f, auto key) {
            std::vector<std::uint64_t> bits(words_, 0);
            for (std::size_t i = 0; i < rules.size(); ++i)
                if (!(rules[i].*key)) bits[i / 64] |= std::uint64_t{1} << (i % 64);
            RowSet set(f, words_, summary_words_);
            f.no_port = set.add(bits);
        };
        no_port_class(sport_, &Rule::sport);
        no_port_class(dport_, &Rule::dport);
    }

    std::size_t rules_ = 0;
    std::size_t words_ = 0;
    std::size_t summary_words_ = 0;
    Field src_, dst_, proto_, sport_, dport_;
    std::vector<std::uint8_t> extra_;
};

} // namespace strata::filter
