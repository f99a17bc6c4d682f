// Rules that can never be a first match: rule i is shadowed when an earlier
// rule j without extra keys matches every packet rule i matches (j's box
// contains i's; i's extra keys only narrow i further). The classifiers
// index only the other rules, the live ones: a catch-all rule ("any any")
// in the middle of an ACL makes every rule after it dead, and ACLs often
// carry such rules. First-match order is untouched: live rules keep their
// relative order and every packet's first match is a live rule.
//
// Building cost: each rule is compared with the earlier live rules, at most
// `budget` comparisons in all; past the budget rules are simply kept live
// (keeping a dead rule is always correct, only slower).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <strata/policy/filter/rule.hpp>
#include <strata/policy/filter/rule_box.hpp>

namespace strata::filter {

/// The indices, ascending, of the rules no earlier rule shadows.
[[nodiscard]] inline std::vector<std::uint32_t>
live_rules(std::span<const Rule> rules, std::size_t budget = std::size_t{64} << 20) {
    std::vector<std::uint32_t> live;
    std::vector<RuleBox> shadowers; // boxes of the live rules without extra keys
    const RuleBox everything = RuleBox::of(Rule{});
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const RuleBox b = RuleBox::of(rules[i]);
        bool dead = false;
        if (budget >= shadowers.size()) {
            budget -= shadowers.size();
            for (const RuleBox& s : shadowers)
                if (s.contains(b)) {
                    dead = true;
                    break;
                }
        }
        if (dead) continue;
        live.push_back(static_cast<std::uint32_t>(i));
        if (!rules[i].has_extra_keys()) {
            // After a catch-all nothing else can match: stop here.
            if (b.contains(everything)) break;
            shadowers.push_back(b);
        }
    }
    return live;
}

} // namespace strata::filter
