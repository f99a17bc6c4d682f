// The strata-net topology loader (tools/strata-net/loader.hpp): any bytes
// end in a TopologyConfig or in one ConfigError, never a crash, a hang or
// an uncaught exception. A loaded topology must hold what the loader
// promises the runner: every link end names an existing port, each port is
// used by at most one link end, every route leaves by an existing port; a
// host's run steps hold what they need (a fetch path starting with /, a
// port for udp_echo/tcp_send/fetch, a count ≥ 1), its http service serves
// something.
// Input: the text of a topology file. Seeds: examples/topologies/*.json.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_util.hpp"
#include "loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace strata::net;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = load_topology(text);
    if (!r) {
        const std::string line = r.error().what();
        STRATA_FUZZ_CHECK(!line.empty());
        STRATA_FUZZ_CHECK(line.find('\n') == std::string::npos);
        return 0;
    }
    const TopologyConfig& t = *r;
    for (std::size_t i = 0; i < t.links.size(); ++i) {
        const auto& l = t.links[i];
        for (const Endpoint& e : {l.a, l.b}) {
            STRATA_FUZZ_CHECK(e.node < t.nodes.size());
            STRATA_FUZZ_CHECK(e.port < t.nodes[e.node].port_count());
        }
        STRATA_FUZZ_CHECK(!(l.a == l.b));
        for (std::size_t j = 0; j < i; ++j) {
            for (const Endpoint& e : {t.links[j].a, t.links[j].b})
                STRATA_FUZZ_CHECK(!(e == l.a) && !(e == l.b));
        }
        STRATA_FUZZ_CHECK(l.loss >= 0 && l.loss <= 1 && l.corrupt >= 0 && l.corrupt <= 1);
    }
    for (const auto& n : t.nodes) {
        STRATA_FUZZ_CHECK(!n.name.empty() && n.name.size() <= 64);
        if (const auto* host = std::get_if<HostConfig>(&n.spec)) {
            if (host->services.http)
                STRATA_FUZZ_CHECK(!host->services.http->files.empty() ||
                                  host->services.http->root.has_value());
            for (const auto& step : host->run) {
                STRATA_FUZZ_CHECK(step.count >= 1);
                if (step.kind != StepKind::ping) STRATA_FUZZ_CHECK(step.port != 0);
                if (step.kind == StepKind::fetch)
                    STRATA_FUZZ_CHECK(!step.path.empty() && step.path[0] == '/');
            }
        }
        if (const auto* router = std::get_if<RouterConfig>(&n.spec)) {
            for (const auto& route : router->routes) {
                STRATA_FUZZ_CHECK(route.port < router->ports.size());
                STRATA_FUZZ_CHECK(route.prefix.is_canonical());
            }
            if (router->nat) {
                STRATA_FUZZ_CHECK(router->nat->outside < router->ports.size());
                STRATA_FUZZ_CHECK(router->nat->port_lo <= router->nat->port_hi);
            }
            if (router->filter) {
                for (const auto& rule : router->filter->rules) {
                    STRATA_FUZZ_CHECK(!rule.in || *rule.in < router->ports.size());
                    STRATA_FUZZ_CHECK((rule.tcp_value & ~rule.tcp_mask) == 0);
                }
            }
        }
    }
    return 0;
}
