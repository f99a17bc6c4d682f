// The services and clients strata-host runs, as coroutines on the host's
// sockets (stack/host.hpp): they read like the book's blocking calls and
// would run unchanged in the simulator.
//
//   TCP and UDP echo (RFC 862, port 7), discard (RFC 863, port 9), a static
//   HTTP/1.1 server on a directory (GET and HEAD, Content-Length, then the
//   server closes: RFC 9112 §9.6 "Connection: close"); clients: ping, fetch
//   an http:// URL, send a file over TCP, UDP echo.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <strata/layer/dns.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/stack/host.hpp>

namespace strata_host {

using namespace strata;
using StrataHost = stack::Host<Ethernet<IPv4<OneOf<TCP<HTTP>, UDP<DNS>, ICMP>>>>;
using stack::Endpoint;
using stack::Errno;
using stack::SocketKind;
using stack::Task;

/// What a client ends with: done, and the process exit status.
struct Outcome {
    bool done = false;
    int status = 0;
    void finish(int s) {
        done = true;
        status = s;
    }
};

inline Bytes as_bytes(std::string_view s) {
    return Bytes(reinterpret_cast<const Byte*>(s.data()), s.size());
}

/// Sends all of `data` (waiting for room as needed). False on an error.
inline Task<bool> send_all(StrataHost& h, int fd, Bytes data) {
    std::size_t off = 0;
    while (off < data.size()) {
        auto n = co_await h.send(fd, data.subspan(off));
        if (!n) co_return false;
        off += *n;
    }
    co_return true;
}

/// A file's bytes in one read. Coroutines run inside the runner's poll, so
/// the read holds up the whole host: an istreambuf_iterator copy takes ~1 s
/// for 10 MB in a sanitizer build, long enough for the peer to retransmit
/// and for the sends after it to look late. Empty if it cannot be read.
inline std::string read_whole_file(const std::filesystem::path& p) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(p, ec);
    std::ifstream in(p, std::ios::binary);
    if (ec || !in) return {};
    std::string data(static_cast<std::size_t>(size), '\0');
    in.read(data.data(), static_cast<std::streamsize>(size));
    data.resize(static_cast<std::size_t>(in.gcount()));
    return data;
}

// ------------------------------------------------------------------ servers

enum class TcpService : std::uint8_t { echo, discard, http };

inline Task<void> echo_connection(StrataHost& h, int fd) {
    std::array<Byte, 4096> buf{};
    for (;;) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n || *n == 0) break;
        if (!co_await send_all(h, fd, Bytes(buf.data(), *n))) break;
    }
    (void)h.close(fd);
}

inline Task<void> discard_connection(StrataHost& h, int fd) {
    std::array<Byte, 4096> buf{};
    for (;;) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n || *n == 0) break;
    }
    (void)h.close(fd);
}

inline std::string_view content_type(const std::filesystem::path& p) {
    const auto ext = p.extension().string();
    if (ext == ".html" || ext == ".htm") return "text/html";
    if (ext == ".txt") return "text/plain";
    if (ext == ".css") return "text/css";
    if (ext == ".js") return "text/javascript";
    if (ext == ".json") return "application/json";
    if (ext == ".png") return "image/png";
    return "application/octet-stream";
}

/// The file a request target names under `root`, or "" when it leaves the
/// root or is not a regular file. "/" is index.html.
inline std::filesystem::path resolve(const std::filesystem::path& root, std::string_view target) {
    if (const auto q = target.find_first_of("?#"); q != std::string_view::npos)
        target = target.substr(0, q);
    if (target.empty() || target[0] != '/') return {};
    std::filesystem::path rel(std::string(target.substr(1)));
    for (const auto& part : rel)
        if (part == "..") return {};
    auto p = root / rel;
    if (target.back() == '/') p /= "index.html";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return {};
    return p;
}

inline Task<void> http_connection(StrataHost& h, int fd, std::filesystem::path root) {
    // The request head: at most 8 KiB, up to the blank line (RFC 9112 §2.1).
    std::string head;
    std::array<Byte, 2048> buf{};
    while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n || *n == 0) {
            (void)h.close(fd);
            co_return;
        }
        head.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    // Request line: method SP target SP version (RFC 9112 §3).
    const auto line_end = head.find("\r\n");
    const std::string line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
    std::string status = "200 OK", body, type = "text/plain";
    std::string method;
    if (sp1 == std::string::npos || sp2 == std::string::npos) {
        status = "400 Bad Request";
        body = "bad request\n";
    } else {
        method = line.substr(0, sp1);
        const std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        if (method != "GET" && method != "HEAD") {
            status = "405 Method Not Allowed";
            body = "only GET and HEAD\n";
        } else if (const auto p = resolve(root, target); p.empty()) {
            status = "404 Not Found";
            body = "not found\n";
        } else {
            body = read_whole_file(p);
            type = std::string(content_type(p));
        }
    }
    const std::string response_head =
        "HTTP/1.1 " + status + "\r\nServer: strata-host\r\n" + "Content-Type: " + type +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (co_await send_all(h, fd, as_bytes(response_head)) && method != "HEAD")
        (void)co_await send_all(h, fd, as_bytes(body));
    (void)h.shutdown(fd, stack::Shutdown::write);
    (void)h.close(fd);
}

/// Listens on `port` and runs one coroutine per accepted connection.
inline Task<void> tcp_server(StrataHost& h, std::uint16_t port, TcpService service,
                             std::filesystem::path root) {
    auto fd = h.socket(SocketKind::tcp, service == TcpService::http   ? "http"
                                        : service == TcpService::echo ? "echo"
                                                                      : "discard");
    if (!fd || !h.bind(*fd, {Ipv4Address{}, Port{port}}) || !h.listen(*fd, 64)) {
        std::fprintf(stderr, "strata-host: cannot listen on TCP port %u\n", port);
        co_return;
    }
    for (;;) {
        auto c = co_await h.accept(*fd);
        if (!c) { // EMFILE, ENOBUFS: the table is full; try again later
            co_await h.sleep(std::chrono::milliseconds(100));
            continue;
        }
        switch (service) {
        case TcpService::echo:
            h.spawn(echo_connection(h, *c));
            break;
        case TcpService::discard:
            h.spawn(discard_connection(h, *c));
            break;
        case TcpService::http:
            h.spawn(http_connection(h, *c, root));
            break;
        }
    }
}

/// UDP echo (RFC 862) or discard (RFC 863) on `port`.
inline Task<void> udp_server(StrataHost& h, std::uint16_t port, bool echo) {
    auto fd = h.socket(SocketKind::udp, echo ? "echo" : "discard");
    if (!fd || !h.bind(*fd, {Ipv4Address{}, Port{port}})) {
        std::fprintf(stderr, "strata-host: cannot bind UDP port %u\n", port);
        co_return;
    }
    std::array<Byte, 65536> buf{};
    for (;;) {
        auto r = co_await h.recvfrom(*fd, MutBytes(buf));
        if (!r) {
            co_await h.sleep(std::chrono::milliseconds(100));
            continue;
        }
        if (!echo) continue;
        const stack::Received& got = r.value();
        (void)co_await h.sendto(*fd, Bytes(buf.data(), got.length), got.from);
    }
}

// ------------------------------------------------------------------ clients

inline double ms(Duration d) { return static_cast<double>(d.count()) / 1e6; }

inline Task<void> ping_client(StrataHost& h, Ipv4Address to, int count, Outcome& o) {
    auto fd = h.socket(SocketKind::icmp, "ping");
    if (!fd) {
        o.finish(2);
        co_return;
    }
    int received = 0;
    for (int seq = 1; seq <= count; ++seq) {
        if (!h.ping(*fd, to, static_cast<std::uint16_t>(seq))) break;
        auto r = co_await h.ping_reply(*fd, std::chrono::seconds(1));
        if (r) {
            const stack::PingReply& p = r.value();
            ++received;
            std::printf("%zu bytes from %s: icmp_seq=%u ttl=%u time=%.3f ms\n", p.data_bytes + 8,
                        to_string(p.from).c_str(), unsigned{p.seq}, unsigned{p.ttl}, ms(p.rtt));
        } else {
            std::printf("icmp_seq=%d: %s\n", seq, std::string(name(r.error())).c_str());
        }
        if (seq < count) co_await h.sleep(std::chrono::milliseconds(200));
    }
    std::printf("%d packets transmitted, %d received\n", count, received);
    (void)h.close(*fd);
    o.finish(received == count ? 0 : 1);
}

/// http://a.b.c.d[:port]/path (no DNS yet).
struct Url {
    Ipv4Address addr{};
    std::uint16_t port = 80;
    std::string path = "/";
};
inline std::optional<Url> parse_url(std::string_view s) {
    constexpr std::string_view scheme = "http://";
    if (s.substr(0, scheme.size()) != scheme) return std::nullopt;
    s.remove_prefix(scheme.size());
    const auto slash = s.find('/');
    std::string_view hostport = s.substr(0, slash);
    Url u;
    if (slash != std::string_view::npos) u.path = std::string(s.substr(slash));
    if (const auto colon = hostport.find(':'); colon != std::string_view::npos) {
        const auto p = std::stoul(std::string(hostport.substr(colon + 1)));
        if (p == 0 || p > 65535) return std::nullopt;
        u.port = static_cast<std::uint16_t>(p);
        hostport = hostport.substr(0, colon);
    }
    auto a = Ipv4Address::parse(hostport);
    if (!a) return std::nullopt;
    u.addr = *a;
    return u;
}

inline Task<int> connect_to(StrataHost& h, Endpoint to, const char* owner) {
    auto fd = h.socket(SocketKind::tcp, owner);
    if (!fd) co_return -1;
    if (auto c = co_await h.connect(*fd, to); !c) {
        std::fprintf(stderr, "strata-host: connect: %s\n", std::string(name(c.error())).c_str());
        (void)h.close(*fd);
        co_return -1;
    }
    co_return *fd;
}

/// GET url; the body goes to `out` (stdout when empty). Exit 0 on a 2xx.
inline Task<void> fetch_client(StrataHost& h, Url url, std::string out, Outcome& o) {
    const int fd = co_await connect_to(h, {url.addr, Port{url.port}}, "fetch");
    if (fd < 0) {
        o.finish(2);
        co_return;
    }
    const std::string req = "GET " + url.path + " HTTP/1.1\r\nHost: " + to_string(url.addr) +
                            "\r\nUser-Agent: strata-host\r\nConnection: close\r\n\r\n";
    if (!co_await send_all(h, fd, as_bytes(req))) {
        o.finish(2);
        co_return;
    }
    std::string response;
    std::array<Byte, 16384> buf{};
    for (;;) {
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n) {
            std::fprintf(stderr, "strata-host: recv: %s\n", std::string(name(n.error())).c_str());
            break;
        }
        if (*n == 0) break;
        response.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    (void)h.close(fd);
    const auto head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos || response.rfind("HTTP/1.", 0) != 0) {
        o.finish(1);
        co_return;
    }
    const std::string status_line = response.substr(0, response.find("\r\n"));
    std::fprintf(stderr, "%s\n", status_line.c_str());
    const std::string body = response.substr(head_end + 4);
    if (out.empty()) {
        std::fwrite(body.data(), 1, body.size(), stdout);
    } else {
        std::ofstream f(out, std::ios::binary);
        f.write(body.data(), static_cast<std::streamsize>(body.size()));
    }
    const bool ok = status_line.size() > 9 && status_line[9] == '2';
    o.finish(ok ? 0 : 1);
}

/// Sends the file's bytes over one TCP connection, then closes our side
/// and waits for the peer to close its own.
inline Task<void> send_file_client(StrataHost& h, Endpoint to, std::string file, Outcome& o) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "strata-host: cannot read %s\n", file.c_str());
        o.finish(2);
        co_return;
    }
    in.close();
    const std::string data = read_whole_file(file);
    const int fd = co_await connect_to(h, to, "send");
    if (fd < 0) {
        o.finish(2);
        co_return;
    }
    const bool sent = co_await send_all(h, fd, as_bytes(data));
    (void)h.shutdown(fd, stack::Shutdown::write);
    std::array<Byte, 4096> buf{};
    for (;;) { // whatever the peer says until it closes (an echo server echoes)
        auto n = co_await h.recv(fd, MutBytes(buf));
        if (!n || *n == 0) break;
    }
    (void)h.close(fd);
    std::fprintf(stderr, "sent %zu bytes\n", sent ? data.size() : std::size_t{0});
    o.finish(sent ? 0 : 1);
}

/// Sends `message` to a UDP echo server `count` times; each echo must
/// come back within a second and equal it.
inline Task<void> udp_echo_client(StrataHost& h, Endpoint to, std::string message, int count,
                                  Outcome& o) {
    auto fd = h.socket(SocketKind::udp, "udp-echo");
    if (!fd) {
        o.finish(2);
        co_return;
    }
    if (stack::SysStatus c = h.connect(*fd, to); !c) {
        o.finish(2);
        co_return;
    }
    int good = 0;
    std::array<Byte, 65536> buf{};
    for (int i = 0; i < count; ++i) {
        if (stack::SysResult<std::size_t> sent = h.send(*fd, as_bytes(message)); !sent) break;
        // Wait up to 1 s for the echo, in 10 ms steps.
        for (int t = 0; t < 100; ++t) {
            stack::SysResult<std::size_t> n = h.recv(*fd, MutBytes(buf));
            if (n) {
                if (std::string_view(reinterpret_cast<const char*>(buf.data()), *n) == message)
                    ++good;
                break;
            }
            if (n.error() != Errno::eagain) break;
            co_await h.sleep(std::chrono::milliseconds(10));
        }
    }
    std::printf("%d of %d echoes\n", good, count);
    (void)h.close(*fd);
    o.finish(good == count ? 0 : 1);
}

} // namespace strata_host
