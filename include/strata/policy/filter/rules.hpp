// filter::Rules: an ordered rule list, first match wins, a default action
// when none matches, hit counters per rule (DESIGN.md §5). Stateless: every
// packet is judged alone (filter::Stateful adds connection tracking).
//
//   auto rules = filter::Rules::build({
//       filter::Rule{.action = filter::Action::accept, .proto = 6, .dport = {{22, 22}}},
//   }, filter::Action::drop);
//
// The lookup is a filter::Classifier (shadowed rules dropped, then a SIMD
// scan or bit vectors): 10,000 rules do not mean 10,000 comparisons per
// packet. Built rules never change; build a new Rules to
// change them (the router swaps whole policies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <strata/core/config_error.hpp>
#include <strata/core/time.hpp>
#include <strata/policy/filter/classifier.hpp>
#include <strata/policy/filter/concept.hpp>
#include <strata/policy/filter/rule.hpp>

namespace strata::filter {

namespace detail {
inline std::string range_text(const std::optional<PortRange>& r) {
    return r ? std::to_string(r->first) + '-' + std::to_string(r->last) : std::string("any");
}

/// The problem of rule `r` in words, with its values.
inline ConfigError rule_error(std::size_t index, const Rule& r, Problem p) {
    std::string m;
    switch (p) {
    case Problem::none:
        break;
    case Problem::src_host_bits:
        m = "prefix " + to_string(r.src) + " has host bits set (did you mean " +
            to_string(r.src.network()) + "?)";
        break;
    case Problem::dst_host_bits:
        m = "prefix " + to_string(r.dst) + " has host bits set (did you mean " +
            to_string(r.dst.network()) + "?)";
        break;
    case Problem::sport_reversed:
        m = "port range " + range_text(r.sport) + " is reversed (first above last)";
        break;
    case Problem::dport_reversed:
        m = "port range " + range_text(r.dport) + " is reversed (first above last)";
        break;
    case Problem::ports_need_tcp_udp:
        m = "protocol " + std::to_string(*r.proto) + " has no ports, but the rule matches ports";
        break;
    case Problem::flags_outside_mask:
        m = "TCP flag value " + std::to_string(r.tcp_flags->value) + " has bits outside mask " +
            std::to_string(r.tcp_flags->mask);
        break;
    case Problem::flags_need_tcp:
        m = "TCP flags with protocol " + std::to_string(*r.proto) + " (not tcp)";
        break;
    case Problem::icmp_need_icmp:
        m = "ICMP type with protocol " + std::to_string(*r.proto) + " (not icmp)";
        break;
    case Problem::icmp_code_wo_type:
        m = "ICMP code without an ICMP type";
        break;
    }
    ConfigError e{ConfigErrc::bad_value, std::move(m)};
    e.at(key_of(p));
    e.at("filter.rules[" + std::to_string(index) + "]");
    return e;
}
} // namespace detail

class Rules {
public:
    static constexpr bool enabled = true;

    /// No rules: every packet gets the default action, accept.
    Rules() = default;

    /// Checks every rule and builds the classifier. The error names the
    /// first bad rule and key: "filter.rules[3].sport: port range 2000-1000
    /// is reversed (first above last)". The default action is Linux's
    /// default chain policy, accept, unless given.
    static ConfigResult<Rules> build(std::vector<Rule> rules,
                                     Action default_action = Action::accept) {
        if (rules.size() > Classifier::max_rules)
            return ConfigError{ConfigErrc::limit_exceeded,
                               std::to_string(rules.size()) + " rules (at most " +
                                   std::to_string(Classifier::max_rules) + ")"}
                .at("filter.rules");
        if (const auto bad = check_rules(rules); bad.problem != Problem::none)
            return detail::rule_error(bad.index, rules[bad.index], bad.problem);
        return Rules(std::move(rules), default_action);
    }

    /// Judges one packet and counts the hit. `now` is unused: stateless.
    Verdict check(const Packet& p, Instant = {}) noexcept {
        const std::uint32_t r = first_match(p);
        if (r == Classifier::none) {
            ++default_hits_;
            return {default_action_, Verdict::default_rule};
        }
        ++hits_[r];
        return {rules_[r].action, r};
    }

    /// The index of the first matching rule, or Verdict::default_rule;
    /// counts nothing.
    [[nodiscard]] std::uint32_t first_match(const Packet& p) const noexcept {
        return classifier_.first_match(
            p, [&](std::uint32_t r) noexcept { return matches_extra(rules_[r], p); });
    }

    /// first_match for a burst (out[i] for packets[i]); faster per packet
    /// than one at a time. Counts nothing. Precondition: out.size() >=
    /// packets.size().
    void first_match_burst(std::span<const Packet> packets,
                           std::span<std::uint32_t> out) const noexcept {
        classifier_.first_match_burst(packets, out, [&](std::size_t i, std::uint32_t r) noexcept {
            return matches_extra(rules_[r], packets[i]);
        });
    }

    constexpr void poll(Instant) noexcept {}
    [[nodiscard]] constexpr Instant poll_at() const noexcept { return never; }

    [[nodiscard]] std::span<const Rule> rules() const noexcept { return rules_; }
    [[nodiscard]] Action default_action() const noexcept { return default_action_; }
    /// Packets that rule `i` decided.
    [[nodiscard]] std::uint64_t hits(std::size_t i) const noexcept { return hits_[i]; }
    /// Packets no rule matched.
    [[nodiscard]] std::uint64_t default_hits() const noexcept { return default_hits_; }
    /// Bytes of the classifier's lookup structures.
    [[nodiscard]] std::size_t memory_bytes() const noexcept { return classifier_.memory_bytes(); }
    /// The lookup structure (which kind was chosen, how many rules are live).
    [[nodiscard]] const Classifier& classifier() const noexcept { return classifier_; }

protected:
    /// Precondition: every rule passes check_rule (StaticRules checked them
    /// at compile time).
    Rules(std::vector<Rule> rules, Action default_action)
        : rules_(std::move(rules)), classifier_(rules_), hits_(rules_.size(), 0),
          default_action_(default_action) {}

private:
    std::vector<Rule> rules_;
    Classifier classifier_;
    std::vector<std::uint64_t> hits_;
    std::uint64_t default_hits_ = 0;
    Action default_action_ = Action::accept;
};

static_assert(Policy<Rules>);

/// The reference: tries every rule in order (tests and benchmarks compare
/// the classifier with it).
template <class Range>
[[nodiscard]] constexpr std::uint32_t linear_first_match(const Range& rules,
                                                         const Packet& p) noexcept {
    std::uint32_t i = 0;
    for (const Rule& r : rules) {
        if (matches(r, p)) return i;
        ++i;
    }
    return Verdict::default_rule;
}

} // namespace strata::filter
