// strata-host: one strata host (stack/host.hpp) on a Linux TAP device,
// through the TAP runner (io/tap_runner.hpp), with services (ICMP echo is
// always on; TCP/UDP echo on 7, discard on 9, a static HTTP/1.1 server on a
// directory) and client modes (ping, fetch a URL, send a file, UDP echo).
// docs/reference/tap.md says how to attach it in a network namespace;
// --netns/--peer do those steps for you.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include <strata/app/http/file_tree_dir.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/io/tap_device.hpp>
#include <strata/io/tap_runner.hpp>

#include "services.hpp"

using namespace strata;
using namespace strata_host;

namespace {

using Runner = TapRunner<StrataHost>;
Runner* g_runner = nullptr;

extern "C" void on_signal(int) {
    if (g_runner != nullptr) g_runner->request_stop();
}

std::optional<Endpoint> parse_endpoint(const std::string& s) {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    auto a = Ipv4Address::parse(s.substr(0, colon));
    if (!a) return std::nullopt;
    char* end = nullptr;
    const unsigned long p = std::strtoul(s.c_str() + colon + 1, &end, 10);
    if (end == s.c_str() + colon + 1 || *end != '\0' || p == 0 || p > 65535) return std::nullopt;
    return Endpoint{*a, Port{static_cast<std::uint16_t>(p)}};
}

int sh(const std::string& cmd) {
    std::fprintf(stderr, "+ %s\n", cmd.c_str());
    return std::system(cmd.c_str());
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"strata-host: a strata host on a Linux TAP device"};
    std::string tap_name, address, gateway, mac_text = "02:53:54:00:00:02", netns, peer;
    std::uint32_t mtu = 1500;
    std::uint64_t seed = 1;
    bool echo = false, discard = false, table = false;
    std::string http_root, pcap_path;
    std::uint16_t http_port = 80;
    double duration = 0;
    std::string ping_to, fetch_url, out_file, send_file, send_to, udp_to, message = "strata";
    int count = 3;

    app.add_option("--tap", tap_name, "TAP interface name (default: the kernel's tapN)");
    app.add_option("--address", address, "the host's address/prefix, e.g. 10.0.0.2/24")->required();
    app.add_option("--gateway", gateway, "default gateway");
    app.add_option("--mac", mac_text, "the host's MAC (not the TAP's own)");
    app.add_option("--mtu", mtu, "MTU of the TAP and the host");
    app.add_option("--seed", seed, "seed of the host's random stream (ISNs, ports, ids)");
    app.add_option("--netns", netns,
                   "move the TAP into this existing network namespace (ip link set ... netns)");
    app.add_option("--peer", peer, "with --netns: Linux's address/prefix on the TAP there");
    app.add_flag("--echo", echo, "TCP and UDP echo on port 7 (RFC 862)");
    app.add_flag("--discard", discard, "TCP and UDP discard on port 9 (RFC 863)");
    app.add_option("--http", http_root, "serve this directory over HTTP/1.1");
    app.add_option("--http-port", http_port, "port of the HTTP server");
    app.add_option("--pcap", pcap_path, "capture the TAP's frames to this file");
    app.add_flag("--table", table, "print the socket table when done");
    app.add_option("--duration", duration,
                   "stop after this many seconds (default: servers until SIGINT, clients 60)");
    app.add_option("--ping", ping_to, "client: ping this address");
    app.add_option("--count", count, "client: pings or UDP echoes to send");
    app.add_option("--fetch", fetch_url, "client: GET this http://a.b.c.d[:port]/path");
    app.add_option("-o,--output", out_file, "client: where --fetch writes the body");
    app.add_option("--send", send_file, "client: send this file over TCP (with --to)");
    app.add_option("--to", send_to, "client: a.b.c.d:port for --send");
    app.add_option("--udp-echo", udp_to, "client: a.b.c.d:port of a UDP echo server");
    app.add_option("--message", message, "client: what --udp-echo sends");
    CLI11_PARSE(app, argc, argv);

    stack::HostConfig config;
    config.name = "strata-host";
    auto prefix = Ipv4Prefix::parse(address);
    auto mac = MacAddress::parse(mac_text);
    if (!prefix || !mac) {
        std::fprintf(stderr, "strata-host: bad --address or --mac\n");
        return 2;
    }
    config.address = *prefix;
    config.mac = *mac;
    config.mtu = mtu;
    config.rng = RandomStream::derive(seed, config.name);
    if (!gateway.empty()) {
        auto g = Ipv4Address::parse(gateway);
        if (!g) {
            std::fprintf(stderr, "strata-host: bad --gateway\n");
            return 2;
        }
        config.gateway = *g;
    }

    const int clients =
        !ping_to.empty() + !fetch_url.empty() + !send_file.empty() + !udp_to.empty();
    if (clients > 1) {
        std::fprintf(stderr, "strata-host: one client mode at a time\n");
        return 2;
    }

    TapOptions topt;
    topt.name = tap_name;
    topt.mtu = mtu;
    topt.up = netns.empty();
    auto tap = TapDevice::open(topt);
    if (!tap) {
        std::fprintf(stderr, "strata-host: %s\n", tap.error().message().c_str());
        return 3;
    }
    std::fprintf(stderr, "strata-host: %s on %s (MAC %s)\n", address.c_str(), tap->name().c_str(),
                 mac_text.c_str());
    if (!netns.empty()) {
        const std::string in = "nsenter --net=/var/run/netns/" + netns + " ";
        if (sh("ip link set " + tap->name() + " netns " + netns) != 0 ||
            sh(in + "ip link set " + tap->name() + " up") != 0 ||
            (!peer.empty() && sh(in + "ip addr add " + peer + " dev " + tap->name()) != 0)) {
            std::fprintf(stderr, "strata-host: configuring namespace %s failed\n", netns.c_str());
            return 3;
        }
    }

    app::FileTree files; // what --http serves: read once, before the host runs; outlives it
    StrataHost host(config);
    auto runner = Runner::create(host);
    if (!runner) {
        std::fprintf(stderr, "strata-host: %s\n", runner.error().message().c_str());
        return 3;
    }
    if (auto ok = runner->attach(PortId{0}, *tap, TapDevice::caps(mtu)); !ok) {
        std::fprintf(stderr, "strata-host: %s\n", ok.error().message().c_str());
        return 3;
    }
    if (!pcap_path.empty()) {
        auto w = PcapWriter::open(pcap_path);
        if (!w) {
            std::fprintf(stderr, "strata-host: cannot write %s\n", pcap_path.c_str());
            return 3;
        }
        // Wall-clock record times: the tool reads the system clock once.
        runner->set_pcap(PortId{0}, std::move(*w),
                         std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::system_clock::now().time_since_epoch()));
    }

    if (echo) {
        host.spawn(tcp_server(host, 7, TcpService::echo, {}));
        host.spawn(udp_server(host, 7, true));
    }
    if (discard) {
        host.spawn(tcp_server(host, 9, TcpService::discard, {}));
        host.spawn(udp_server(host, 9, false));
    }
    if (!http_root.empty()) {
        const auto loaded = app::add_directory(files, http_root);
        if (!loaded) {
            std::fprintf(stderr, "strata-host: --http %s: %s\n", http_root.c_str(),
                         loaded.error().message().c_str());
            return 2;
        }
        host.spawn(tcp_server(host, http_port, TcpService::http, &files));
    }

    Outcome outcome;
    if (!ping_to.empty()) {
        auto a = Ipv4Address::parse(ping_to);
        if (!a) return 2;
        host.spawn(ping_client(host, *a, count, outcome));
    } else if (!fetch_url.empty()) {
        host.spawn(fetch_client(host, fetch_url, out_file, outcome));
    } else if (!send_file.empty()) {
        auto to = parse_endpoint(send_to);
        if (!to) {
            std::fprintf(stderr, "strata-host: --send wants --to a.b.c.d:port\n");
            return 2;
        }
        host.spawn(send_file_client(host, *to, send_file, outcome));
    } else if (!udp_to.empty()) {
        auto to = parse_endpoint(udp_to);
        if (!to) return 2;
        host.spawn(udp_echo_client(host, *to, message, count, outcome));
    }

    g_runner = &*runner;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const Duration limit =
        duration > 0 ? std::chrono::duration_cast<Duration>(std::chrono::duration<double>(duration))
        : clients > 0 ? Duration{std::chrono::seconds(60)}
                      : Duration::max();
    const Instant deadline = limit == Duration::max() ? never : runner->now() + limit;
    // A client's last segments (its FIN, the final ACK) leave at the next
    // poll after it finishes: run a little longer once it is done.
    std::optional<Instant> linger;
    auto stats = runner->run_until(deadline, [&] {
        if (!outcome.done) return false;
        if (!linger) linger = runner->now() + std::chrono::milliseconds(200);
        return runner->now() >= *linger;
    });
    g_runner = nullptr;
    if (!stats) {
        std::fprintf(stderr, "strata-host: %s\n", stats.error().message().c_str());
        return 3;
    }
    if (table) std::fputs(host.socket_table().c_str(), stdout);
    const auto& c = runner->counters(PortId{0});
    std::fprintf(stderr, "strata-host: %llu frames in, %llu out; host drops:",
                 static_cast<unsigned long long>(c.frames_in),
                 static_cast<unsigned long long>(c.frames_out));
    host.drops().for_each([](DropReason r, std::uint64_t n) {
        std::fprintf(stderr, " %s %llu", std::string(to_string(r)).c_str(),
                     static_cast<unsigned long long>(n));
    });
    std::fprintf(stderr, "; TAP drops:");
    c.drops.for_each([](DropReason r, std::uint64_t n) {
        std::fprintf(stderr, " %s %llu", std::string(to_string(r)).c_str(),
                     static_cast<unsigned long long>(n));
    });
    if (c.last_error) std::fprintf(stderr, " (last error %s)", c.last_error->message().c_str());
    std::fprintf(stderr, "\n");
    if (clients > 0 && !outcome.done) {
        std::fprintf(stderr, "strata-host: the client did not finish in time\n");
        return 1;
    }
    return outcome.status;
}
