// A stand-in for packetdrill: loads libstrata_packetdrill.so the way
// packetdrill's so_testing.c does (dlopen, dlsym "packetdrill_interface_init",
// one call with the flags), then makes the calls packetdrill makes for a
// script: socket calls through the function pointers, netdev_send with the
// packets a script's "<" lines describe, netdev_receive for its ">" lines,
// and the clock the way run.c's wait_for_event() moves it (usleep to 20 µs
// before the event, then spinning on gettimeofday).
//
// Packets are built and parsed here by byte offsets (RFC 791, RFC 9293
// §3.1) with our own RFC 1071 checksum, not with strata's wire views, so the
// test does not check strata with itself.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <dlfcn.h>

#include "packetdrill_abi.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define STRATA_NO_DEEPBIND 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STRATA_NO_DEEPBIND 1
#endif

namespace drill {

using Octets = std::vector<std::uint8_t>;

inline constexpr std::uint8_t FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10,
                              URG = 0x20;

inline std::uint32_t ip(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d;
}
inline std::uint16_t be16(const Octets& p, std::size_t at) {
    return static_cast<std::uint16_t>((p.at(at) << 8) | p.at(at + 1));
}
inline std::uint32_t be32(const Octets& p, std::size_t at) {
    return (std::uint32_t{be16(p, at)} << 16) | be16(p, at + 2);
}
inline void put16(Octets& p, std::size_t at, std::uint32_t v) {
    p.at(at) = static_cast<std::uint8_t>(v >> 8);
    p.at(at + 1) = static_cast<std::uint8_t>(v);
}
inline void put32(Octets& p, std::size_t at, std::uint32_t v) {
    put16(p, at, v >> 16);
    put16(p, at + 2, v & 0xffff);
}

/// RFC 1071 one's-complement sum, folded (not inverted).
inline std::uint32_t sum16(const std::uint8_t* d, std::size_t n, std::uint32_t acc = 0) {
    for (std::size_t i = 0; i + 1 < n; i += 2)
        acc += static_cast<std::uint32_t>((d[i] << 8) | d[i + 1]);
    if (n % 2) acc += static_cast<std::uint32_t>(d[n - 1] << 8);
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return acc;
}
/// The TCP checksum over the RFC 9293 §3.1 pseudo-header and the segment.
inline std::uint16_t tcp_sum(const Octets& pkt) {
    const std::size_t ihl = (pkt[0] & 0x0f) * 4u;
    const std::size_t len = be16(pkt, 2) - ihl;
    std::uint32_t acc = sum16(pkt.data() + 12, 8); // source and destination
    acc += 6u + static_cast<std::uint32_t>(len);
    return static_cast<std::uint16_t>(sum16(pkt.data() + ihl, len, acc));
}

struct Segment {
    std::uint32_t src = 0, dst = 0;
    std::uint16_t sport = 0, dport = 0;
    std::uint32_t seq = 0, ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t win = 0;
    Octets options;
    std::size_t payload = 0;
    std::uint16_t urp = 0; ///< urgent pointer
};

/// An IPv4/TCP packet as a script's "<" line makes it: TTL 64, DF clear,
/// ID 0, both checksums filled.
inline Octets build(const Segment& s, const Octets& data = {}) {
    const std::size_t tcp_len = 20 + s.options.size();
    const std::size_t n = 20 + tcp_len + data.size();
    Octets p(n, 0);
    p[0] = 0x45;
    put16(p, 2, static_cast<std::uint32_t>(n));
    p[8] = 64;
    p[9] = 6;
    put32(p, 12, s.src);
    put32(p, 16, s.dst);
    put16(p, 10, static_cast<std::uint16_t>(~sum16(p.data(), 20)));
    put16(p, 20, s.sport);
    put16(p, 22, s.dport);
    put32(p, 24, s.seq);
    put32(p, 28, s.ack);
    p[32] = static_cast<std::uint8_t>((tcp_len / 4) << 4);
    p[33] = s.flags;
    put16(p, 34, s.win);
    put16(p, 38, s.urp);
    if (!s.options.empty()) std::memcpy(p.data() + 40, s.options.data(), s.options.size());
    if (!data.empty()) std::memcpy(p.data() + 20 + tcp_len, data.data(), data.size());
    put16(p, 36, static_cast<std::uint16_t>(~tcp_sum(p)));
    return p;
}

/// What packetdrill checks of an outbound packet, field by field.
struct Out {
    Octets bytes;
    long long time_usecs = 0;
    std::uint8_t version = 0, ihl = 0, ttl = 0, proto = 0;
    bool df = false;
    std::uint16_t total_len = 0;
    bool ip_sum_ok = false, tcp_sum_ok = false;
    Segment tcp;
    Octets data;
};

inline Out parse(Octets bytes, long long when) {
    Out o;
    o.bytes = std::move(bytes);
    o.time_usecs = when;
    const Octets& p = o.bytes;
    if (p.size() < 40) throw std::runtime_error("short packet");
    o.version = static_cast<std::uint8_t>(p[0] >> 4);
    o.ihl = static_cast<std::uint8_t>((p[0] & 0x0f) * 4);
    o.total_len = be16(p, 2);
    o.df = (p[6] & 0x40) != 0;
    o.ttl = p[8];
    o.proto = p[9];
    o.ip_sum_ok = sum16(p.data(), o.ihl) == 0xffff;
    o.tcp.src = be32(p, 12);
    o.tcp.dst = be32(p, 16);
    const std::size_t t = o.ihl;
    o.tcp.sport = be16(p, t);
    o.tcp.dport = be16(p, t + 2);
    o.tcp.seq = be32(p, t + 4);
    o.tcp.ack = be32(p, t + 8);
    const std::size_t doff = (p[t + 12] >> 4) * 4u;
    o.tcp.flags = p[t + 13];
    o.tcp.win = be16(p, t + 14);
    o.tcp.urp = be16(p, t + 18);
    o.tcp.options.assign(p.begin() + static_cast<long>(t + 20),
                         p.begin() + static_cast<long>(t + doff));
    o.data.assign(p.begin() + static_cast<long>(t + doff), p.begin() + o.total_len);
    o.tcp.payload = o.data.size();
    o.tcp_sum_ok = tcp_sum(p) == 0xffff;
    return o;
}

inline void* library() {
    static void* h = [] {
        // so_testing.c's flags. The sanitizers' runtimes refuse RTLD_DEEPBIND,
        // so a sanitized build loads without it.
        int flags = RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
#if !defined(STRATA_NO_DEEPBIND)
        flags |= RTLD_DEEPBIND;
#endif
        void* p = dlopen(STRATA_PACKETDRILL_SO, flags);
        if (p == nullptr) throw std::runtime_error(dlerror());
        return p;
    }();
    return h;
}

/// One packetdrill run: an interface filled by the library's init.
class Drill {
public:
    explicit Drill(const char* flags = "") {
        auto init = reinterpret_cast<packetdrill_interface_init_t>(
            dlsym(library(), "packetdrill_interface_init"));
        if (init == nullptr) throw std::runtime_error("no packetdrill_interface_init");
        init(flags, &ifc);
    }
    ~Drill() { ifc.free(ifc.userdata); }
    Drill(const Drill&) = delete;
    Drill& operator=(const Drill&) = delete;

    packetdrill_interface ifc{};
    void* u() const { return ifc.userdata; }

    long long now() {
        timeval tv{};
        ifc.gettimeofday(u(), &tv, nullptr);
        return static_cast<long long>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
    }
    /// run.c's wait_for_event(): usleep until 20 µs before, then spin.
    void wait_until(long long t) {
        while (true) {
            const long long wait = t - now();
            if (wait <= 0) return;
            if (wait > 20) ifc.usleep(u(), static_cast<useconds_t>(wait - 20));
        }
    }

    int inject(const Octets& p) { return ifc.netdev_send(u(), p.data(), p.size()); }
    /// so_netdev_receive(): the next packet, or a zero-length one.
    Out receive() {
        Octets buf(65536);
        std::size_t n = buf.size();
        long long t = 0;
        if (ifc.netdev_receive(u(), buf.data(), &n, &t) != 0) throw std::runtime_error("rx");
        if (n == 0) return Out{};
        buf.resize(n);
        return parse(std::move(buf), t);
    }

    static sockaddr_in addr(std::uint32_t a, std::uint16_t port) {
        sockaddr_in s{};
        s.sin_family = AF_INET;
        s.sin_port = htons(port);
        s.sin_addr.s_addr = htonl(a);
        return s;
    }
};

/// Options bytes as a script writes them.
inline Octets opts(std::initializer_list<int> b) {
    Octets o;
    for (int x : b)
        o.push_back(static_cast<std::uint8_t>(x));
    return o;
}

} // namespace drill
