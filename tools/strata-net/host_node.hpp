// strata-net's host nodes: a stack::Host running the services and the
// scripted client steps its topology entry names (docs/strata-net.md,
// "Hosts"), as coroutines on the host's sockets. Each step writes its
// result (for summary.json) and, when narrating, says what it saw.
//
// The services are the ones tools/strata-host runs on a TAP (echo RFC 862,
// discard RFC 863, a static HTTP/1.1 server that closes after each response,
// RFC 9112 §9.6); they are written here against a file table so a topology
// can carry its pages inline.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <strata/app/http/file_tree.hpp>
#include <strata/app/http/file_tree_dir.hpp>
#include <strata/app/http/serve.hpp>
#include <strata/layer/dns.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/stack/host.hpp>

#include "config.hpp"

namespace strata::net {

using SimHost = stack::Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>, ICMP>>>>;

/// A line the narration prints: what a host's application saw.
using NoteFn = std::function<void(Instant, const std::string& node, std::string text)>;

/// What a host did, kept outside the host (the coroutines write into it).
struct HostRun {
    std::string name;
    std::vector<nlohmann::ordered_json> steps;   ///< one per "run" step, in order
    std::map<std::string, std::uint64_t> errors; ///< errno name → count
    std::uint64_t http_connections = 0, echo_bytes = 0, discard_bytes = 0, udp_echoed = 0;
    app::FileTree files; ///< what the http service serves (inline pages and the root's files)
    NoteFn note;         ///< empty unless narrating

    void error(stack::Errno e) { ++errors[std::string(stack::name(e))]; }
    void say(const SimHost& h, std::string text) {
        if (note) note(h.now(), name, std::move(text));
    }
};

namespace host_detail {

using stack::Endpoint;
using stack::Errno;
using stack::SocketKind;
using stack::Task;

inline Bytes as_bytes(std::string_view s) {
    return Bytes(reinterpret_cast<const Byte*>(s.data()), s.size());
}
inline double ms(Duration d) { return static_cast<double>(d.count()) / 1e6; }
inline std::string ep(Endpoint e) {
    return to_string(e.addr) + ":" + std::to_string(e.port.value());
}

/// Sends all of `data`, waiting for room. False on an error (counted).
inline Task<bool> send_all(SimHost& h, HostRun& r, int fd, Bytes data) {
    std::size_t off = 0;
    while (off < data.size()) {
        auto n = co_await h.send(fd, data.subspan(off));
        if (!n) {
            r.error(n.error());
            co_return false;
        }
        off += *n;
    }
    co_return true;
}

inline Task<void> drain(SimHost& h, HostRun& r, int fd, bool echo) {
    std::array<Byte, 4096> buf{};
    for (;;) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n) r.error(n.error());
        if (!n || *n == 0) break;
        if (echo) {
            r.echo_bytes += *n;
            if (!co_await send_all(h, r, fd, Bytes(buf.data(), *n))) break;
        } else {
            r.discard_bytes += *n;
        }
    }
    (void)h.close(fd);
}

enum class Service : std::uint8_t { echo, discard, http };

inline Task<void> tcp_server(SimHost& h, HostRun& r, std::uint16_t port, Service s) {
    auto fd = h.socket(SocketKind::tcp, s == Service::http   ? "http"
                                        : s == Service::echo ? "echo"
                                                             : "discard");
    if (!fd) {
        r.error(fd.error());
        co_return;
    }
    if (auto b = h.bind(*fd, {Ipv4Address{}, Port{port}}); !b) {
        r.error(b.error());
        co_return;
    }
    if (auto l = h.listen(*fd, 64); !l) {
        r.error(l.error());
        co_return;
    }
    for (;;) {
        auto c = co_await h.accept(*fd);
        if (!c) { // EMFILE, ENOBUFS: the table is full; try again later
            r.error(c.error());
            co_await h.sleep(std::chrono::milliseconds(100));
            continue;
        }
        if (s == Service::http) {
            ++r.http_connections;
            // app/http: one ServerSession per connection (RFC 9112); it
            // closes after the response our clients ask for with
            // "Connection: close".
            h.spawn(app::serve_http_connection(h, *c, r.files));
        } else
            h.spawn(drain(h, r, *c, s == Service::echo));
    }
}

inline Task<void> udp_server(SimHost& h, HostRun& r, std::uint16_t port, bool echo) {
    auto fd = h.socket(SocketKind::udp, echo ? "echo" : "discard");
    if (!fd) {
        r.error(fd.error());
        co_return;
    }
    if (auto b = h.bind(*fd, {Ipv4Address{}, Port{port}}); !b) {
        r.error(b.error());
        co_return;
    }
    std::vector<Byte> buf(65536);
    for (;;) {
        auto got = co_await h.recvfrom(*fd, MutBytes(buf));
        if (!got) {
            r.error(got.error());
            co_await h.sleep(std::chrono::milliseconds(100));
            continue;
        }
        if (!echo) continue;
        const stack::Received& d = got.value();
        ++r.udp_echoed;
        (void)co_await h.sendto(*fd, Bytes(buf.data(), d.length), d.from);
    }
}

// ------------------------------------------------------------ client steps

inline Task<void> ping_step(SimHost& h, HostRun& r, const RunStepConfig& s,
                            nlohmann::ordered_json& out) {
    out["sent"] = 0;
    out["answered"] = 0;
    out["rtt_ms"] = nlohmann::ordered_json::array();
    auto fd = h.socket(SocketKind::icmp, "ping");
    if (!fd) {
        r.error(fd.error());
        out["error"] = std::string(stack::name(fd.error()));
        co_return;
    }
    unsigned answered = 0;
    for (std::uint32_t seq = 1; seq <= s.count; ++seq) {
        if (auto p = h.ping(*fd, s.addr, static_cast<std::uint16_t>(seq), s.size); !p) {
            r.error(p.error());
            out["error"] = std::string(stack::name(p.error()));
            break;
        }
        out["sent"] = seq;
        r.say(h, "ping " + to_string(s.addr) + " icmp_seq=" + std::to_string(seq) +
                     " (ICMP echo request, type 8)");
        auto reply = co_await h.ping_reply(*fd, std::chrono::seconds(1));
        if (reply) {
            const stack::PingReply& p = reply.value();
            ++answered;
            out["answered"] = answered;
            out["rtt_ms"].push_back(ms(p.rtt));
            char rtt[32];
            std::snprintf(rtt, sizeof rtt, "%.3f", ms(p.rtt));
            r.say(h, "echo reply from " + to_string(p.from) + " icmp_seq=" + std::to_string(p.seq) +
                         " ttl=" + std::to_string(p.ttl) + " time=" + rtt + " ms");
        } else {
            r.error(reply.error());
            r.say(h, "icmp_seq=" + std::to_string(seq) + ": " +
                         std::string(stack::name(reply.error())));
        }
        if (seq < s.count) co_await h.sleep(std::chrono::milliseconds(200));
    }
    (void)h.close(*fd);
}

inline Task<int> connect_to(SimHost& h, HostRun& r, Endpoint to, const char* owner,
                            nlohmann::ordered_json& out) {
    auto fd = h.socket(SocketKind::tcp, owner);
    if (!fd) {
        r.error(fd.error());
        out["error"] = std::string(stack::name(fd.error()));
        co_return -1;
    }
    r.say(h, "connect() to " + ep(to) + ": the three-way handshake starts (RFC 9293 §3.5)");
    if (auto c = co_await h.connect(*fd, to); !c) {
        r.error(c.error());
        out["error"] = std::string(stack::name(c.error()));
        r.say(h, "connect() failed: " + std::string(stack::name(c.error())));
        (void)h.close(*fd);
        co_return -1;
    }
    if (auto me = h.getsockname(*fd))
        r.say(h, "connected: " + ep(*me) + " ↔ " + ep(to) + " ESTABLISHED");
    co_return *fd;
}

inline Task<void> fetch_step(SimHost& h, HostRun& r, const RunStepConfig& s,
                             nlohmann::ordered_json& out) {
    out["status"] = nullptr;
    out["bytes"] = 0;
    const int fd = co_await connect_to(h, r, {s.addr, Port{s.port}}, "fetch", out);
    if (fd < 0) co_return;
    const std::string req = "GET " + s.path + " HTTP/1.1\r\nHost: " + to_string(s.addr) +
                            "\r\nUser-Agent: strata-net\r\nConnection: close\r\n\r\n";
    r.say(h, "sends GET " + s.path + " HTTP/1.1 (" + std::to_string(req.size()) + " bytes)");
    if (!co_await send_all(h, r, fd, as_bytes(req))) {
        (void)h.close(fd);
        co_return;
    }
    std::string response;
    std::array<Byte, 16384> buf{};
    for (;;) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n) {
            r.error(n.error());
            out["error"] = std::string(stack::name(n.error()));
            break;
        }
        if (*n == 0) break;
        response.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    const auto head_end = response.find("\r\n\r\n");
    if (head_end != std::string::npos && response.rfind("HTTP/1.", 0) == 0 &&
        response.size() > 12) {
        const std::string status_line = response.substr(0, response.find("\r\n"));
        out["status"] = std::atoi(status_line.c_str() + 9);
        out["bytes"] = response.size() - head_end - 4;
        r.say(h, "got " + status_line.substr(9) + ", " +
                     std::to_string(response.size() - head_end - 4) +
                     " bytes of body; the server closed (recv() = 0: its FIN)");
    }
    (void)h.close(fd);
    r.say(h, "close(): our FIN goes out (LAST_ACK until the server's ACK)");
}

inline Task<void> udp_echo_step(SimHost& h, HostRun& r, const RunStepConfig& s,
                                nlohmann::ordered_json& out) {
    out["sent"] = 0;
    out["echoed"] = 0;
    auto fd = h.socket(SocketKind::udp, "udp-echo");
    if (!fd) {
        r.error(fd.error());
        out["error"] = std::string(stack::name(fd.error()));
        co_return;
    }
    if (stack::SysStatus c = h.connect(*fd, {s.addr, Port{s.port}}); !c) {
        r.error(c.error());
        out["error"] = std::string(stack::name(c.error()));
        (void)h.close(*fd);
        co_return;
    }
    std::vector<Byte> msg(s.size), buf(65536);
    unsigned sent = 0, good = 0;
    for (std::uint32_t i = 0; i < s.count; ++i) {
        for (std::size_t k = 0; k < msg.size(); ++k)
            msg[k] = static_cast<Byte>((i + k) & 0xff);
        stack::SysResult<std::size_t> w = h.send(*fd, Bytes(msg));
        if (!w) {
            r.error(w.error());
            break;
        }
        out["sent"] = ++sent;
        for (int t = 0; t < 100; ++t) { // up to 1 s for the echo, in 10 ms steps
            stack::SysResult<std::size_t> n = h.recv(*fd, MutBytes(buf));
            if (n) {
                if (*n == msg.size() && std::equal(msg.begin(), msg.end(), buf.begin())) ++good;
                break;
            }
            if (n.error() != Errno::eagain) {
                r.error(n.error());
                break;
            }
            co_await h.sleep(std::chrono::milliseconds(10));
        }
        out["echoed"] = good;
    }
    r.say(h, "UDP echo " + ep({s.addr, Port{s.port}}) + ": " + std::to_string(good) + " of " +
                 std::to_string(s.count) + " datagrams came back");
    (void)h.close(*fd);
}

inline Task<void> tcp_send_step(SimHost& h, HostRun& r, const RunStepConfig& s,
                                nlohmann::ordered_json& out) {
    out["sent"] = 0;
    const int fd = co_await connect_to(h, r, {s.addr, Port{s.port}}, "send", out);
    if (fd < 0) co_return;
    std::vector<Byte> chunk(65536);
    for (std::size_t k = 0; k < chunk.size(); ++k)
        chunk[k] = static_cast<Byte>(k * 7 + 1);
    std::uint64_t sent = 0;
    while (sent < s.bytes) {
        const auto n =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), s.bytes - sent));
        if (!co_await send_all(h, r, fd, Bytes(chunk.data(), n))) break;
        sent += n;
        out["sent"] = sent;
    }
    (void)h.shutdown(fd, stack::Shutdown::write);
    std::array<Byte, 4096> buf{};
    std::uint64_t back = 0;
    for (;;) { // what the peer says until it closes (an echo server echoes)
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n) r.error(n.error());
        if (!n || *n == 0) break;
        back += *n;
    }
    out["received"] = back;
    (void)h.close(fd);
    r.say(h, "sent " + std::to_string(sent) + " bytes to " + ep({s.addr, Port{s.port}}) +
                 " and closed");
}

inline const char* step_name(StepKind k) {
    switch (k) {
    case StepKind::ping:
        return "ping";
    case StepKind::fetch:
        return "fetch";
    case StepKind::udp_echo:
        return "udp_echo";
    case StepKind::tcp_send:
        return "tcp_send";
    }
    return "?";
}

inline Task<void> run_steps(SimHost& h, HostRun& r, const std::vector<RunStepConfig>& steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const RunStepConfig& s = steps[i];
        if (s.at_ms) {
            const Instant at = at_ns(static_cast<std::int64_t>(*s.at_ms) * 1'000'000);
            if (h.now() < at) co_await h.sleep(at - h.now());
        }
        auto& out = r.steps[i];
        out["start_ms"] = ms(h.now() - Instant{});
        switch (s.kind) {
        case StepKind::ping:
            co_await ping_step(h, r, s, out);
            break;
        case StepKind::fetch:
            co_await fetch_step(h, r, s, out);
            break;
        case StepKind::udp_echo:
            co_await udp_echo_step(h, r, s, out);
            break;
        case StepKind::tcp_send:
            co_await tcp_send_step(h, r, s, out);
            break;
        }
        out["end_ms"] = ms(h.now() - Instant{});
        out["done"] = true;
    }
}

} // namespace host_detail

/// A topology host as a node: the stack::Host, and (when narrating) a call
/// after each receive/poll, so the narration sees every TCP state change at
/// the instant the host made it, without the host emitting anything.
struct HostNode {
    SimHost host;
    std::function<void(Instant)> after; ///< empty unless narrating

    [[nodiscard]] std::size_t port_count() const noexcept { return host.port_count(); }
    template <FrameOut O>
    void receive(PortId p, MutBytes frame, Instant now, O& out) {
        host.receive(p, frame, now, out);
        if (after) after(now);
    }
    template <FrameOut O>
    void poll(Instant now, O& out) {
        host.poll(now, out);
        if (after) after(now);
    }
    [[nodiscard]] Instant poll_at() const noexcept { return host.poll_at(); }
    [[nodiscard]] const DropCounts& drops() const noexcept { return host.drops(); }
};

/// The stack::HostConfig a topology host gets (rng: the run's stream for its name).
inline stack::HostConfig stack_config(const std::string& name, const HostConfig& c,
                                      RandomStream rng) {
    stack::HostConfig h;
    h.name = name;
    h.mac = c.mac;
    h.address = c.ip;
    h.gateway = c.gateway.value_or(Ipv4Address{});
    h.mtu = c.mtu;
    h.rng = rng;
    return h;
}

/// Fills r.files from the http service's root folder (relative to `base`),
/// then its inline files (which win). An error names what could not be read.
inline std::optional<std::string> load_files(HostRun& r, const HttpServiceConfig& http,
                                             const std::filesystem::path& base) {
    if (http.root) {
        std::filesystem::path root(*http.root);
        if (root.is_relative()) root = base / root;
        // Names FileTree refuses are not served (app::DirectoryLoad::skipped).
        if (auto loaded = app::add_directory(r.files, root); !loaded)
            return "cannot use " + *http.root + ": " + loaded.error().message();
    }
    for (const auto& [path, body] : http.files)
        if (!r.files.add(path, std::string_view(body))) return "cannot serve " + path;
    return std::nullopt;
}

/// Starts the services and the run list on a host that has its final place.
inline void start_host(SimHost& h, HostRun& r, const HostConfig& c) {
    using namespace host_detail;
    r.steps.clear();
    for (const auto& s : c.run)
        r.steps.push_back(nlohmann::ordered_json{
            {"step", step_name(s.kind)}, {"target", s.target}, {"done", false}});
    if (c.services.http) h.spawn(tcp_server(h, r, 80, Service::http));
    if (c.services.echo) {
        h.spawn(tcp_server(h, r, 7, Service::echo));
        h.spawn(udp_server(h, r, 7, true));
    }
    if (c.services.discard) {
        h.spawn(tcp_server(h, r, 9, Service::discard));
        h.spawn(udp_server(h, r, 9, false));
    }
    if (!c.run.empty()) h.spawn(run_steps(h, r, c.run));
}

/// The host's part of summary.json.
inline nlohmann::ordered_json host_json(const HostRun& r, const HostConfig& c) {
    nlohmann::ordered_json services = nlohmann::ordered_json::array();
    services.push_back("icmp_echo");
    if (c.services.echo) services.push_back("echo");
    if (c.services.discard) services.push_back("discard");
    if (c.services.http) services.push_back("http");
    nlohmann::ordered_json errors = nlohmann::ordered_json::object();
    for (const auto& [name, n] : r.errors)
        errors[name] = n;
    return nlohmann::ordered_json{{"services", services},
                                  {"http_connections", r.http_connections},
                                  {"echo_bytes", r.echo_bytes},
                                  {"discard_bytes", r.discard_bytes},
                                  {"udp_echoed", r.udp_echoed},
                                  {"run", r.steps},
                                  {"errors", errors}};
}

} // namespace strata::net
