// A compile-time rule list with a reversed port range is refused with one
// sentence naming the key and the problem, not a template backtrace.
// expect: filter::StaticRules: a rule's dport range has its first port above its last
#include <array>

#include <strata/policy/filter/static_rules.hpp>

constexpr std::array acl{
    strata::filter::Rule{.action = strata::filter::Action::accept},
    strata::filter::Rule{.action = strata::filter::Action::drop,
                         .dport = strata::filter::PortRange{2000, 1000}},
};

int main() {
    strata::filter::StaticRules<acl> filter;
    return static_cast<int>(filter.rules().size());
}
