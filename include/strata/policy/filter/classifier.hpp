// filter::Classifier: the first matching rule of an ordered list, by the
// structure that is fastest for the list, chosen when it is built.
//
//   1. Shadowed rules are dropped (shadowing.hpp): only the live rules are
//      indexed, in their order, and results are mapped back to the indices
//      of the full list.
//   2. Up to scan_max live rules, on a CPU with AVX-512F: ScanClassifier,
//      sixteen rules per compare, a few hundred bytes.
//   3. Otherwise RfcClassifier (Recursive Flow Classification: eleven table
//      reads per packet, about 10 ns on ClassBench-style lists of 100 to
//      10,000 rules), with BitVectorClassifier beside it for the packets
//      whose first candidate has extra keys (only built when a live rule has
//      extra keys).
//   4. When RFC's tables would be too large: BitVectorClassifier alone.
//
// scan_max comes from measurement: the scan costs about 4 ns per block of 16
// rules before the match plus ~10 ns; RFC ~10 ns but at least ~0.8 MB of
// tables (its seven phase-0 tables), which a list of a few rules should not
// cost.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <strata/policy/filter/bit_vector_classifier.hpp>
#include <strata/policy/filter/rfc_classifier.hpp>
#include <strata/policy/filter/rule.hpp>
#include <strata/policy/filter/scan_classifier.hpp>
#include <strata/policy/filter/shadowing.hpp>

namespace strata::filter {

class Classifier {
public:
    static constexpr std::uint32_t none = ~0u;
    static constexpr std::size_t max_rules = BitVectorClassifier::max_rules;
    /// Measured (ClassBench-style lists, bursts of 64, AMD EPYC with AVX-512):
    /// scan vs bit vectors 10 vs 17 ns per packet at 10 live rules, 21 vs 23
    /// at 32, 25 vs 24 at 48, 37 vs 31 at 98.
    static constexpr std::size_t scan_max = 32;

    enum class Kind : std::uint8_t { automatic, scan, rfc, bit_vector };

    Classifier() = default;
    /// Precondition: rules.size() <= max_rules, every rule passes
    /// check_rule. `kind` forces a structure (tests compare them); scan
    /// falls back to bit vectors on a CPU without AVX-512F, rfc when its
    /// tables would be too large.
    explicit Classifier(std::span<const Rule> rules, Kind kind = Kind::automatic)
        : rules_(rules.size()), live_(live_rules(rules)) {
        std::vector<Rule> live;
        live.reserve(live_.size());
        for (const auto i : live_)
            live.push_back(rules[i]);
        const bool scan =
            ScanClassifier::available() &&
            (kind == Kind::scan || (kind == Kind::automatic && live.size() <= scan_max));
        if (scan) {
            scan_ = ScanClassifier(live);
            kind_ = Kind::scan;
            return;
        }
        if ((kind == Kind::automatic || kind == Kind::rfc) && build_rfc(live)) {
            {
                kind_ = Kind::rfc;
                for (const Rule& r : live)
                    if (r.has_extra_keys()) {
                        bits_ = BitVectorClassifier(live); // for `unresolved`
                        break;
                    }
                return;
            }
        }
        bits_ = BitVectorClassifier(live);
        kind_ = Kind::bit_vector;
    }

    /// The index (in the full list) of the first rule whose indexed keys
    /// match `p` and, for rules with extra keys, for which `extra_ok(index)`
    /// is true; `none` if none.
    template <class ExtraOk>
    [[nodiscard]] std::uint32_t first_match(const Packet& p, ExtraOk&& extra_ok) const {
        auto ok = [&](std::uint32_t r) { return extra_ok(live_[r]); };
        std::uint32_t r;
        if (kind_ == Kind::rfc) {
            // Groups hold consecutive rules: the first group that matches
            // has the first match.
            r = none;
            for (std::size_t g = 0; g < rfc_.size(); ++g) {
                const std::uint16_t f = rfc_[g].first_match(p);
                if (f == RfcClassifier::none) continue;
                r = f == RfcClassifier::unresolved ? bits_.first_match(p, ok) : rfc_base_[g] + f;
                break;
            }
        } else {
            r = kind_ == Kind::scan ? scan_.first_match(p, ok) : bits_.first_match(p, ok);
        }
        return r == none ? none : live_[r];
    }

    /// first_match for a burst: out[i] for packets[i]; extra_ok(i, index).
    /// Precondition: out.size() >= packets.size().
    template <class ExtraOk>
    void first_match_burst(std::span<const Packet> packets, std::span<std::uint32_t> out,
                           ExtraOk&& extra_ok) const {
        if (kind_ == Kind::scan) {
            for (std::size_t i = 0; i < packets.size(); ++i) {
                const std::uint32_t r = scan_.first_match(
                    packets[i], [&](std::uint32_t l) { return extra_ok(i, live_[l]); });
                out[i] = r == none ? none : live_[r];
            }
            return;
        }
        if (kind_ == Kind::rfc) {
            constexpr std::size_t group = 64;
            std::uint16_t f[group];
            for (std::size_t base = 0; base < packets.size(); base += group) {
                const std::size_t m = std::min(group, packets.size() - base);
                const auto part = packets.subspan(base, m);
                std::uint32_t* o = out.data() + base;
                // unresolved_mark: a group's first candidate has extra keys.
                std::fill(o, o + m, none);
                for (std::size_t g = rfc_.size(); g-- > 0;) { // last group first: lower wins
                    rfc_[g].first_match_burst(part, std::span(f, m));
                    for (std::size_t i = 0; i < m; ++i)
                        if (f[i] != RfcClassifier::none)
                            o[i] = f[i] == RfcClassifier::unresolved ? unresolved_mark
                                                                     : rfc_base_[g] + f[i];
                }
                for (std::size_t i = 0; i < m; ++i) {
                    std::uint32_t r = o[i];
                    if (r == unresolved_mark)
                        r = bits_.first_match(
                            part[i], [&](std::uint32_t l) { return extra_ok(base + i, live_[l]); });
                    o[i] = r == none ? none : live_[r];
                }
            }
            return;
        }
        bits_.first_match_burst(
            packets, out, [&](std::size_t i, std::uint32_t l) { return extra_ok(i, live_[l]); });
        for (std::size_t i = 0; i < packets.size(); ++i)
            if (out[i] != none) out[i] = live_[out[i]];
    }

    [[nodiscard]] std::size_t rule_count() const noexcept { return rules_; }
    /// Rules that some packet can reach (the others are shadowed).
    [[nodiscard]] std::size_t live_count() const noexcept { return live_.size(); }
    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    /// RFC: the number of groups of consecutive rules, each its own tables.
    [[nodiscard]] std::size_t rfc_groups() const noexcept { return rfc_.size(); }
    /// Bytes of lookup structures.
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        std::size_t n = live_.size() * sizeof(std::uint32_t) + scan_.memory_bytes();
        for (const auto& g : rfc_)
            n += g.memory_bytes();
        return n + (kind_ == Kind::scan ? 0 : bits_.memory_bytes());
    }

private:
    static constexpr std::uint32_t unresolved_mark = none - 1;
    /// RFC in 1, 2, 4, ... max_rfc_groups groups of consecutive live rules:
    /// the fewest whose tables all stay within RfcClassifier's bound (a
    /// packet costs one RFC lookup per group; rte_acl splits its tries the
    /// same way when they grow). Measured on ClassBench-style lists without
    /// catch-all rules (1,500-10,000 live rules): two to eight groups near
    /// the bound were no faster than the bit vectors (57-740 ns against
    /// 66-350 ns per packet) at ten to fifty times the memory, so one group.
    /// Groups by address shape (both prefixes at least /16, source shorter,
    /// destination shorter), halved while too large, were no better (3,000
    /// rules: 4 groups, 187 ns; 10,000: 6 groups, 548 ns).
    static constexpr std::size_t max_rfc_groups = 1;
    bool build_rfc(std::span<const Rule> live) {
        for (std::size_t groups = 1; groups <= max_rfc_groups; groups *= 2) {
            const std::size_t per = (live.size() + groups - 1) / groups;
            rfc_.clear();
            rfc_base_.clear();
            bool ok = per <= RfcClassifier::max_rules;
            for (std::size_t b = 0; ok && b < live.size(); b += per) {
                rfc_.emplace_back(live.subspan(b, std::min(per, live.size() - b)));
                rfc_base_.push_back(static_cast<std::uint32_t>(b));
                ok = rfc_.back().built();
            }
            if (ok) return true;
        }
        rfc_.clear();
        rfc_base_.clear();
        return false;
    }

    std::size_t rules_ = 0;
    std::vector<std::uint32_t> live_; ///< live index -> index in the full list
    Kind kind_ = Kind::bit_vector;
    ScanClassifier scan_;
    std::vector<RfcClassifier> rfc_;
    std::vector<std::uint32_t> rfc_base_; ///< first live index of each group
    BitVectorClassifier bits_;
};

} // namespace strata::filter
