// The services and clients strata-host runs, as coroutines on the host's
// sockets (stack/host.hpp): they read like the book's blocking calls and
// would run unchanged in the simulator.
//
//   TCP and UDP echo (RFC 862, port 7), discard (RFC 863, port 9), a static
//   HTTP/1.1 server on a directory (app::serve_http over an app::FileTree
//   read at start); clients: ping, fetch an http:// URL (app::fetch), send
//   a file over TCP, UDP echo.
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

#include <strata/app/http/fetch.hpp>
#include <strata/app/http/file_tree.hpp>
#include <strata/app/http/serve.hpp>
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

/// Listens on `port` and runs one coroutine per accepted connection. The
/// http service serves `files` (app::serve_http_connection), which must
/// outlive the host.
inline Task<void> tcp_server(StrataHost& h, std::uint16_t port, TcpService service,
                             const app::FileTree* files = nullptr) {
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
            h.spawn(app::serve_http_connection(h, *c, *files, app::ServerConfig{"strata-host"}));
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

/// GET `url` (app::fetch: http://a.b.c.d[:port]/path, no DNS yet); the body
/// goes to `out` as it arrives (stdout when empty), the status line to
/// stderr. Exit 0 on a 2xx, 1 on another status or a malformed response, 2
/// when the URL is refused or the connection fails.
inline Task<void> fetch_client(StrataHost& h, std::string url, std::string out, Outcome& o) {
    std::ofstream file;
    if (!out.empty()) {
        file.open(out, std::ios::binary | std::ios::trunc);
        if (!file) {
            std::fprintf(stderr, "strata-host: cannot write %s\n", out.c_str());
            o.finish(2);
            co_return;
        }
    }
    const app::BodySink sink = [&](Bytes b) {
        if (out.empty())
            std::fwrite(b.data(), 1, b.size(), stdout);
        else
            file.write(reinterpret_cast<const char*>(b.data()),
                       static_cast<std::streamsize>(b.size()));
    };
    const Result<app::FetchReply> r = co_await app::fetch(h, url, sink);
    if (!r) {
        std::fprintf(stderr, "strata-host: fetch: %s\n", to_string(r.error()).c_str());
        const Error& e = r.error();
        o.finish(e.layer == "socket" || e.layer == "url" || e.field == "host" ? 2 : 1);
        co_return;
    }
    const unsigned code = static_cast<unsigned>(r->status);
    std::fprintf(stderr, "HTTP/%u.%u %u %s\n", unsigned{r->version.major},
                 unsigned{r->version.minor}, code, r->reason.c_str());
    o.finish(code >= 200 && code < 300 ? 0 : 1);
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
