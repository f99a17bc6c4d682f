// Rules written in the program: a constexpr rule list, checked by the
// compiler, named in the router's type.
//
//   constexpr std::array acl{
//       filter::Rule{.action = filter::Action::accept, .proto = 6, .dport = {{80, 80}}},
//       filter::Rule{.action = filter::Action::drop},
//   };
//   using Web = filter::StaticRules<acl>;      // Router<Routing, nat::None, Web>
//
// The list is a template argument by reference (a constexpr object with
// static storage: at namespace scope or a static member), so a Rule needs
// no structural type. An invalid rule stops the compilation with one
// sentence (the static_asserts below; at most one can fire: they test the
// first bad rule's problem). The classifier is built when a StaticRules is
// constructed.
#pragma once

#include <cstddef>
#include <iterator>
#include <vector>

#include <strata/policy/filter/rules.hpp>

namespace strata::filter {

template <const auto& List, Action Default = Action::accept>
class StaticRules : public Rules {
    static constexpr ListProblem bad = check_rules(List);
    static_assert(std::size(List) <= Classifier::max_rules,
                  "filter::StaticRules: more rules than the classifier holds (32,767)");
    static_assert(bad.problem != Problem::src_host_bits,
                  "filter::StaticRules: a rule's src prefix has host bits set");
    static_assert(bad.problem != Problem::dst_host_bits,
                  "filter::StaticRules: a rule's dst prefix has host bits set");
    static_assert(bad.problem != Problem::sport_reversed,
                  "filter::StaticRules: a rule's sport range has its first port above its last");
    static_assert(bad.problem != Problem::dport_reversed,
                  "filter::StaticRules: a rule's dport range has its first port above its last");
    static_assert(bad.problem != Problem::ports_need_tcp_udp,
                  "filter::StaticRules: a rule matches ports with a protocol other than tcp/udp");
    static_assert(bad.problem != Problem::flags_outside_mask,
                  "filter::StaticRules: a rule's tcp_flags value has bits outside its mask");
    static_assert(bad.problem != Problem::flags_need_tcp,
                  "filter::StaticRules: a rule matches tcp_flags with a protocol other than tcp");
    static_assert(bad.problem != Problem::icmp_need_icmp,
                  "filter::StaticRules: a rule matches icmp_type with a protocol other than icmp");
    static_assert(bad.problem != Problem::icmp_code_wo_type,
                  "filter::StaticRules: a rule matches icmp_code without icmp_type");

public:
    /// The index of the first invalid rule (== size when all are valid): for
    /// a static_assert of the user's own.
    static constexpr std::size_t first_invalid = bad.index;

    StaticRules() : Rules(std::vector<Rule>(std::begin(List), std::end(List)), Default) {}
};

} // namespace strata::filter
