// Builds the network a TopologyConfig describes, runs it and writes what
// happened (docs/strata-net.md, "Output").
#include "runner.hpp"

#include <algorithm>
#include <climits>
#include <fstream>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include <strata/device/hub.hpp>
#include <strata/device/router.hpp>
#include <strata/device/switch.hpp>
#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/policy/filter/rules.hpp>
#include <strata/policy/filter/stateful.hpp>
#include <strata/policy/mac/learning.hpp>
#include <strata/policy/nat/napt.hpp>
#include <strata/sim/network.hpp>
#include <strata/sim/replay.hpp>

#include "host_node.hpp"
#include "narrate.hpp"
#include "trace_json.hpp"

namespace strata::net {
namespace {

using ojson = nlohmann::ordered_json;

/// The largest table a switch may be given (the loader's bound too).
using LearningTable = mac::Learning<(std::size_t{1} << 24)>;

struct Built {
    sim::NodeId id{};
    /// Counters of the node's own kind for summary.json (switch, router,
    /// nat, filter); empty for replays and hosts.
    std::function<ojson()> extra;
    std::optional<sim::NodeRef<sim::Replay>> replay;
    std::optional<sim::NodeRef<HostNode>> host;
    std::unique_ptr<HostRun> host_run; ///< what the host's services and steps did
};

ConfigError at_node(ConfigError e, std::size_t i) {
    return std::move(e.at("nodes[" + std::to_string(i) + "]"));
}

filter::Action to_action(FilterAction a) {
    switch (a) {
    case FilterAction::drop:
        return filter::Action::drop;
    case FilterAction::reject:
        return filter::Action::reject;
    case FilterAction::accept:
        break;
    }
    return filter::Action::accept;
}

ojson nat_counters(const nat::Napt& n) {
    const auto& c = n.counters();
    return ojson{{"mappings", n.size()},
                 {"mappings_created", c.mappings_created},
                 {"mappings_expired", c.mappings_expired},
                 {"dropped_no_mapping", c.dropped_no_mapping}};
}

template <class Filter>
ojson filter_counters(const Filter& f) {
    if constexpr (std::is_same_v<Filter, filter::Rules>) {
        ojson hits = ojson::array();
        for (std::size_t i = 0; i < f.rules().size(); ++i)
            hits.push_back(f.hits(i));
        return ojson{{"rule_hits", hits}, {"default_hits", f.default_hits()}};
    } else {
        const auto& c = f.counters();
        ojson j = filter_counters(f.rules());
        j["tracked"] = c.tracked;
        j["related"] = c.related;
        j["flows_created"] = c.created;
        j["flows_expired"] = c.expired;
        return j;
    }
}

template <class Nat, class Filter>
ConfigResult<Built> add_router(sim::Network& net, const NodeConfig& node,
                               router::RouterConfig config, Nat nat, Filter filter) {
    using R = Router<routing::Default, Nat, Filter>;
    auto r = R::make(std::move(config), net.stream(node.name), std::move(nat), std::move(filter));
    if (!r) return std::move(r).error();
    const auto ref = net.add(node.name, std::move(*r));
    Built b{ref.id, {}, {}, {}, {}};
    b.extra = [&net, ref] {
        R& router = net.node(ref);
        ojson j{{"forwarded", router.forwarded()}, {"icmp_suppressed", router.icmp_suppressed()}};
        if constexpr (!std::is_same_v<Nat, nat::None>) j["nat"] = nat_counters(router.nat());
        if constexpr (!std::is_same_v<Filter, filter::None>)
            j["filter"] = filter_counters(router.filter());
        return j;
    };
    return b;
}

template <class Nat>
ConfigResult<Built> add_router_with(sim::Network& net, const NodeConfig& node,
                                    router::RouterConfig config, Nat nat) {
    const auto& rc = std::get<RouterConfig>(node.spec);
    if (!rc.filter) return add_router(net, node, std::move(config), std::move(nat), filter::None{});
    std::vector<filter::Rule> rules;
    for (const auto& fr : rc.filter->rules) {
        filter::Rule r;
        r.action = to_action(fr.action);
        if (fr.in) r.in = PortId{static_cast<std::uint16_t>(*fr.in)};
        if (fr.out) r.out = PortId{static_cast<std::uint16_t>(*fr.out)};
        r.src_mac = fr.src_mac;
        if (fr.src) r.src = *fr.src;
        if (fr.dst) r.dst = *fr.dst;
        r.proto = fr.proto;
        if (fr.sport) r.sport = filter::PortRange{fr.sport->first, fr.sport->second};
        if (fr.dport) r.dport = filter::PortRange{fr.dport->first, fr.dport->second};
        if (fr.tcp_mask != 0) r.tcp_flags = filter::TcpFlags{fr.tcp_mask, fr.tcp_value};
        r.icmp_type = fr.icmp_type;
        rules.push_back(r);
    }
    auto built = filter::Rules::build(std::move(rules), to_action(rc.filter->default_action));
    if (!built) return std::move(built).error();
    if (rc.filter->stateful) {
        return add_router(net, node, std::move(config), std::move(nat),
                          filter::Stateful<>(std::move(*built)));
    }
    return add_router(net, node, std::move(config), std::move(nat), std::move(*built));
}

ConfigResult<Built> add_router_node(sim::Network& net, const NodeConfig& node) {
    const auto& rc = std::get<RouterConfig>(node.spec);
    router::RouterConfig config;
    for (const auto& p : rc.ports)
        config.ports.push_back(router::PortConfig{p.mac, p.ip, p.mtu});
    for (const auto& r : rc.routes) {
        router::RouteConfig route;
        route.prefix = r.prefix;
        route.via = r.via.value_or(Ipv4Address{});
        route.port = static_cast<std::uint16_t>(r.port);
        route.metric = r.metric;
        config.routes.push_back(route);
    }
    if (!rc.nat) return add_router_with(net, node, std::move(config), nat::None{});
    nat::NaptConfig nc;
    for (const auto p : rc.nat->inside)
        nc.inside_ports.push_back(PortId{static_cast<std::uint16_t>(p)});
    nc.outside_port = PortId{static_cast<std::uint16_t>(rc.nat->outside)};
    nc.public_address = rc.nat->public_ip;
    nc.port_lo = rc.nat->port_lo;
    nc.port_hi = rc.nat->port_hi;
    for (const auto& f : rc.nat->forwards) {
        nc.forwards.push_back(nat::StaticForward{static_cast<IpProtocol>(f.proto), f.public_port,
                                                 f.to_ip, f.to_port});
    }
    auto napt = nat::Napt::make(std::move(nc), net.stream(node.name + ":nat"));
    if (!napt) return std::move(napt).error();
    return add_router_with(net, node, std::move(config), std::move(*napt));
}

/// Loads the replay's pcap into a Replay node.
ConfigResult<Built> add_replay_node(sim::Network& net, const NodeConfig& node,
                                    const std::filesystem::path& base) {
    const auto& rc = std::get<ReplayConfig>(node.spec);
    std::filesystem::path file(rc.file);
    if (file.is_relative()) file = base / file;
    const auto bad = [&](const std::string& why) {
        return std::move(
            ConfigError{ConfigErrc::bad_value, "cannot use " + rc.file + ": " + why}.at("file"));
    };
    std::string why;
    auto reader = PcapReader::open(file.string(), &why);
    if (!reader) return bad(why.empty() ? to_string(reader.error()) : why);
    if (reader->link_type() != 1)
        return bad("link type " + std::to_string(reader->link_type()) +
                   " is not Ethernet (LINKTYPE_ETHERNET, 1)");
    sim::Replay replay;
    const std::int64_t start = static_cast<std::int64_t>(rc.start_ms) * 1'000'000;
    constexpr std::int64_t latest = LLONG_MAX / 2;
    std::optional<std::int64_t> first;
    std::int64_t index = 0;
    for (;;) {
        auto next = reader->next();
        if (!next)
            return bad(reader->last_error_text().empty() ? to_string(next.error())
                                                         : reader->last_error_text());
        if (!*next) break;
        const PcapFrame& f = **next;
        std::int64_t rel = 0;
        if (rc.spacing_us) {
            const auto spacing = static_cast<std::int64_t>(*rc.spacing_us) * 1000;
            rel = (spacing != 0 && index > (latest - start) / spacing) ? latest - start
                                                                       : index * spacing;
        } else {
            const std::int64_t ts = f.timestamp.count();
            if (!first) first = ts;
            rel = std::clamp<std::int64_t>(ts - *first, 0, latest - start);
        }
        replay.load(at_ns(start + rel), f.data);
        ++index;
    }
    const auto ref = net.add(node.name, std::move(replay));
    return Built{ref.id, {}, ref, {}, {}};
}

ConfigResult<Built> add_node(sim::Network& net, const NodeConfig& node,
                             const std::filesystem::path& base) {
    switch (node.type()) {
    case NodeType::hub:
        return Built{
            net.add(node.name, Hub(std::get<HubConfig>(node.spec).ports)).id, {}, {}, {}, {}};
    case NodeType::switch_: {
        const auto& sc = std::get<SwitchConfig>(node.spec);
        using S = Switch<LearningTable>;
        const auto ref = net.add(
            node.name, S(sc.ports, LearningTable(std::chrono::seconds(sc.aging_s), sc.table_size)));
        Built b{ref.id, {}, {}, {}, {}};
        b.extra = [&net, ref] {
            const auto& c = net.node(ref).counters();
            return ojson{
                {"forwarded", c.forwarded}, {"flooded", c.flooded}, {"table_full", c.table_full}};
        };
        return b;
    }
    case NodeType::router:
        return add_router_node(net, node);
    case NodeType::host: {
        const auto& hc = std::get<HostConfig>(node.spec);
        const auto ref = net.add(
            node.name, HostNode{SimHost(stack_config(node.name, hc, net.stream(node.name))), {}});
        Built b{ref.id, {}, {}, ref, std::make_unique<HostRun>()};
        b.host_run->name = node.name;
        if (hc.services.http) {
            if (auto why = load_files(*b.host_run, *hc.services.http, base))
                return std::move(ConfigError{ConfigErrc::bad_value, *why}.at("services.http"));
        }
        return b;
    }
    case NodeType::replay:
        return add_replay_node(net, node, base);
    }
    return ConfigError{ConfigErrc::bad_value, "unknown node type"};
}

sim::LinkConfig to_sim(const LinkConfig& l) {
    sim::LinkConfig c;
    c.rate_a_to_b_bps = static_cast<std::uint64_t>(l.rate_a_to_b_mbps * 1e6 + 0.5);
    c.rate_b_to_a_bps = static_cast<std::uint64_t>(l.rate_b_to_a_mbps * 1e6 + 0.5);
    c.delay = std::chrono::microseconds(l.delay_us);
    c.mtu = l.mtu;
    c.queue_frames = l.queue_frames;
    c.a_to_b = sim::Impairments{l.loss, l.duplicate, l.reorder, l.corrupt};
    c.b_to_a = c.a_to_b;
    return c;
}

ojson drops_json(const DropCounts& d) {
    ojson j = ojson::object();
    d.for_each([&](DropReason r, std::uint64_t n) { j[std::string(to_string(r))] = n; });
    return j;
}

ojson direction_json(const sim::LinkCounters& c) {
    return ojson{{"frames_sent", c.frames_sent},
                 {"bytes_sent", c.bytes_sent},
                 {"frames_delivered", c.frames_delivered},
                 {"bytes_delivered", c.bytes_delivered},
                 {"lost", c.lost},
                 {"duplicated", c.duplicated},
                 {"reordered", c.reordered},
                 {"corrupted", c.corrupted},
                 {"queue_full", c.queue_full},
                 {"too_big", c.too_big}};
}

/// Writes `text` to `path`; false (and `error` set) when it cannot.
bool write_text(const std::filesystem::path& path, const std::string& text, std::string& error) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        error = "cannot write " + path.string();
        return false;
    }
    return true;
}

} // namespace

RunOutcome run_topology(const TopologyConfig& topo, const RunOptions& opts) {
    RunOutcome outcome;
    const auto bad_topology = [&](ConfigError e) {
        outcome.status = RunOutcome::Status::bad_topology;
        outcome.error = std::move(e);
        return outcome;
    };
    const auto output_failed = [&](std::string why) {
        outcome.status = RunOutcome::Status::output_failed;
        outcome.output_error = std::move(why);
        return outcome;
    };

    sim::Network net(topo.seed);
    std::vector<Built> nodes;
    for (std::size_t i = 0; i < topo.nodes.size(); ++i) {
        auto b = add_node(net, topo.nodes[i], opts.base_dir);
        if (!b) return bad_topology(at_node(std::move(b).error(), i));
        nodes.push_back(std::move(*b));
    }
    std::vector<sim::LinkId> links;
    for (std::size_t i = 0; i < topo.links.size(); ++i) {
        const auto& l = topo.links[i];
        const auto end = [&](const Endpoint& e) {
            return sim::Endpoint{nodes[e.node].id, PortId{static_cast<std::uint16_t>(e.port)}};
        };
        auto id = net.connect(end(l.a), end(l.b), to_sim(l), l.name);
        if (!id) {
            ConfigError e = std::move(id).error();
            return bad_topology(std::move(e.at("links[" + std::to_string(i) + "]")));
        }
        links.push_back(*id);
    }

    // --narrate: the story of the run (narrate.hpp), told from frames,
    // router events, host applications and host socket tables.
    std::unique_ptr<Narrator> narrator;
    if (opts.narrate) narrator = std::make_unique<Narrator>();
    const auto snapshot_states = [&](Instant t) {
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (!nodes[i].host) continue;
            std::map<std::string, std::string> conns;
            for (const auto& row : net.node(*nodes[i].host).host.socket_rows()) {
                if (row.kind != stack::SocketKind::tcp || row.state.empty()) continue;
                const auto ep = [](stack::Endpoint e) {
                    return to_string(e.addr) + ":" + std::to_string(e.port.value());
                };
                const std::string key = row.state == "LISTEN"
                                            ? "port " + std::to_string(row.local.port.value())
                                            : ep(row.local) + " ↔ " + ep(row.peer);
                conns[key] = std::string(row.state);
            }
            narrator->states(t, topo.nodes[i].name, conns);
        }
    };
    // The hosts start their services and run lists now that they have their
    // final places in the network (their coroutines point into them).
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        if (!nodes[i].host) continue;
        HostRun& run = *nodes[i].host_run;
        if (narrator)
            run.note = [n = narrator.get()](Instant t, const std::string& who, std::string text) {
                n->say(t, who, std::move(text));
            };
        if (narrator)
            net.node(*nodes[i].host).after = [&snapshot_states](Instant t) { snapshot_states(t); };
        start_host(net.node(*nodes[i].host).host, run, std::get<HostConfig>(topo.nodes[i].spec));
    }

    std::error_code ec;
    std::filesystem::create_directories(opts.out_dir, ec);
    if (ec) return output_failed("cannot create " + opts.out_dir.string() + ": " + ec.message());

    // Link taps: every frame as it left the sending end (sim/hooks.hpp).
    std::vector<std::unique_ptr<PcapWriter>> writers;
    std::string tap_error;
    std::uint64_t tapped = 0; // frames that left any link end
    const PcapOptions pcap_opts{PcapPrecision::nano, 262144, 1};
    for (std::size_t i = 0; i < links.size(); ++i) {
        const auto path = opts.out_dir / (topo.links[i].name + ".pcap");
        auto w = PcapWriter::open(path.string(), pcap_opts);
        if (!w) return output_failed("cannot write " + path.string() + ": " + to_string(w.error()));
        writers.push_back(std::make_unique<PcapWriter>(std::move(*w)));
        PcapWriter* writer = writers.back().get();
        net.set_tap(links[i], [&, writer, i](sim::LinkId, sim::Direction d, Instant t,
                                             Bytes frame) {
            ++tapped;
            if (narrator) {
                const auto& lk = topo.links[i];
                const Endpoint from = d == sim::Direction::a_to_b ? lk.a : lk.b;
                const Endpoint to = d == sim::Direction::a_to_b ? lk.b : lk.a;
                const auto& fn = topo.nodes[from.node];
                const auto& tn = topo.nodes[to.node];
                // A host changes state inside receive/poll right before the
                // segment that change sends: say the change first.
                if (fn.type() == NodeType::host) snapshot_states(t);
                narrator->frame(t, fn.name, fn.type() == NodeType::host,
                                fn.type() == NodeType::switch_ || fn.type() == NodeType::hub,
                                tn.name, tn.type() == NodeType::host, frame);
            }
            if (auto r = writer->write(frame, Duration(ns_since_start(t))); !r && tap_error.empty())
                tap_error = to_string(r.error());
        });
    }

    // The trace: always counted per port (summary.json's port drops), and
    // written to trace.jsonl with --trace.
    std::unordered_map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < topo.nodes.size(); ++i)
        by_name.emplace(topo.nodes[i].name, i);
    std::vector<std::vector<DropCounts>> port_drops(topo.nodes.size());
    for (std::size_t i = 0; i < topo.nodes.size(); ++i)
        port_drops[i].resize(topo.nodes[i].port_count());
    std::ofstream trace_file;
    if (opts.trace) {
        trace_file.open(opts.out_dir / "trace.jsonl", std::ios::binary | std::ios::trunc);
        if (!trace_file)
            return output_failed("cannot write " + (opts.out_dir / "trace.jsonl").string());
    }
    std::string line;
    // The runtime passes the name it stores for the node, so its address
    // finds the node without building a string per event.
    std::unordered_map<const char*, std::size_t> by_address;
    net.set_trace([&](Instant t, std::string_view node, const TraceEvent& e) {
        std::size_t n = 0;
        if (const auto hit = by_address.find(node.data()); hit != by_address.end()) {
            n = hit->second;
        } else {
            const auto it = by_name.find(std::string(node));
            if (it == by_name.end()) return;
            n = it->second;
            by_address.emplace(node.data(), n);
        }
        const std::size_t port = to_index(e.port);
        if (e.kind == TraceKind::frame_dropped && port < port_drops[n].size())
            port_drops[n][port].count(e.reason);
        if (narrator) narrator->event(t, topo.nodes[n].name, e);
        if (!opts.trace) return;
        line.clear();
        const std::string port_name = port < topo.nodes[n].port_count()
                                          ? topo.nodes[n].port_name(port)
                                          : std::to_string(port);
        append_trace_line(line, ns_since_start(t), node, port_name, e);
        trace_file << line;
    });

    const auto until = at_ns(static_cast<std::int64_t>(topo.until_ms) * 1'000'000);
    // The run goes in slices so that a frame storm (a loop of hubs or
    // switches) stops at max_frames instead of filling the disk: a slice is
    // 1 ms of virtual time while frames move, doubling while none do.
    std::int64_t step = 1'000'000;
    std::uint64_t events = 0;
    for (;;) {
        const std::uint64_t before = tapped;
        const auto next = std::min(ns_since_start(until), ns_since_start(net.now()) + step);
        // A bounded number of events per slice: frames that circulate through
        // zero-delay links never let virtual time pass, and must still be
        // counted and stopped (checked every 100,000 events).
        constexpr std::uint64_t slice_events = 100'000;
        const auto slice = net.run_until(at_ns(next), slice_events);
        events += slice.events;
        const bool capped = slice.events == slice_events;
        if (opts.max_frames != 0 && tapped > opts.max_frames) {
            outcome.stopped_early = true;
            break;
        }
        if (net.events_pending() == 0 || (!capped && next >= ns_since_start(until))) break;
        step =
            tapped == before ? std::min<std::int64_t>(step * 2, std::int64_t{1} << 50) : 1'000'000;
    }
    const sim::RunResult result{events, net.now()};
    if (narrator) {
        snapshot_states(net.now());
        narrator->finish(net.now());
        outcome.narration = narrator->text();
        std::string err;
        if (!write_text(opts.out_dir / "narration.txt", outcome.narration, err))
            return output_failed(err);
    }

    for (auto& w : writers) {
        if (auto r = w->close(); !r && tap_error.empty()) tap_error = to_string(r.error());
    }
    if (!tap_error.empty()) return output_failed("writing a link pcap: " + tap_error);
    if (opts.trace) {
        trace_file.close();
        if (!trace_file) return output_failed("cannot write trace.jsonl");
    }

    // What each replay node received.
    for (std::size_t i = 0; i < topo.nodes.size(); ++i) {
        if (!nodes[i].replay) continue;
        const auto path = opts.out_dir / (topo.nodes[i].name + ".rx.pcap");
        auto w = PcapWriter::open(path.string(), pcap_opts);
        if (!w) return output_failed("cannot write " + path.string() + ": " + to_string(w.error()));
        std::string err;
        net.node(*nodes[i].replay).for_each_arrival([&](Instant t, Bytes frame) {
            if (auto r = w->write(frame, Duration(ns_since_start(t))); !r && err.empty())
                err = to_string(r.error());
        });
        if (auto r = w->close(); !r && err.empty()) err = to_string(r.error());
        if (!err.empty()) return output_failed("writing " + path.string() + ": " + err);
    }

    ojson summary{{"schema", 1},
                  {"seed", topo.seed},
                  {"until_ms", topo.until_ms},
                  {"end_ns", ns_since_start(result.time)},
                  {"events", result.events},
                  {"stopped_early", outcome.stopped_early}};
    ojson jnodes = ojson::object();
    for (std::size_t i = 0; i < topo.nodes.size(); ++i) {
        const auto& nc = topo.nodes[i];
        const sim::NodeId id = nodes[i].id;
        DropCounts total = net.drops(id);
        ojson ports = ojson::object();
        for (std::size_t p = 0; p < nc.port_count(); ++p) {
            const sim::Endpoint e{id, PortId{static_cast<std::uint16_t>(p)}};
            const auto& c = net.port_counters(e);
            c.drops.for_each([&](DropReason r, std::uint64_t n) { total.count(r, n); });
            const auto link = net.link_at(e);
            ports[nc.port_name(p)] =
                ojson{{"link", link ? ojson(net.link_name(*link)) : ojson(nullptr)},
                      {"frames_in", c.frames_in},
                      {"bytes_in", c.bytes_in},
                      {"frames_out", c.frames_out},
                      {"bytes_out", c.bytes_out},
                      {"drops", drops_json(port_drops[i][p])}};
        }
        ojson jn{{"type", to_string(nc.type())}, {"drops", drops_json(total)}, {"ports", ports}};
        if (nodes[i].replay) {
            const auto& r = net.node(*nodes[i].replay);
            jn["replay"] = ojson{{"loaded", r.loaded()},
                                 {"sent", r.sent()},
                                 {"not_sent", r.not_sent()},
                                 {"received", r.received_frames()}};
        }
        if (nodes[i].extra) jn[to_string(nc.type())] = nodes[i].extra();
        if (nodes[i].host_run)
            jn["host"] = host_json(*nodes[i].host_run, std::get<HostConfig>(nc.spec));
        jnodes[nc.name] = std::move(jn);
    }
    summary["nodes"] = std::move(jnodes);
    ojson jlinks = ojson::object();
    for (std::size_t i = 0; i < links.size(); ++i) {
        const auto& l = topo.links[i];
        const auto name = [&](const Endpoint& e) {
            return topo.nodes[e.node].name + "." + topo.nodes[e.node].port_name(e.port);
        };
        jlinks[l.name] =
            ojson{{"a", name(l.a)},
                  {"b", name(l.b)},
                  {"a_to_b", direction_json(net.link_counters(links[i], sim::Direction::a_to_b))},
                  {"b_to_a", direction_json(net.link_counters(links[i], sim::Direction::b_to_a))}};
    }
    summary["links"] = std::move(jlinks);
    std::string err;
    if (!write_text(opts.out_dir / "summary.json", summary.dump(2) + "\n", err))
        return output_failed(err);
    return outcome;
}

} // namespace strata::net
