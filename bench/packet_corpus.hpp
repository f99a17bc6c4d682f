// The benchmark corpus shared by parse_mixed/* and build_tcp/*: 1,000 frames
// made at start-up from a fixed seed, built by plain byte code here (not by
// strata) so that the parsers under test read frames they did not write.
//   850 Ethernet/IPv4/TCP: 70% with the timestamp option (NOP NOP TS);
//       payload 0 B for 40%, 1-99 B 15%, 100-999 B 15%, a full MSS 30%
//   100 Ethernet/IPv4/UDP/DNS (a query or a response)
//    50 ARP requests and replies
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace corpus {

using Byte = std::uint8_t;

struct TcpSpec {
    std::uint8_t src_mac[6], dst_mac[6];
    std::uint32_t src_ip, dst_ip;
    std::uint16_t ident;
    std::uint16_t src_port, dst_port;
    std::uint32_t seq, ack;
    std::uint8_t flags;
    std::uint16_t window;
    bool timestamps;
    std::uint32_t tsval, tsecr;
    std::uint16_t payload_len;
};

inline void put16(Byte* p, std::uint16_t v) {
    p[0] = static_cast<Byte>(v >> 8);
    p[1] = static_cast<Byte>(v);
}
inline void put32(Byte* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v >> 16));
    put16(p + 2, static_cast<std::uint16_t>(v));
}

/// One's complement sum, byte by byte: deliberately independent of strata.
inline std::uint16_t reference_checksum(const Byte* p, std::size_t n, std::uint32_t acc) {
    for (std::size_t i = 0; i + 1 < n; i += 2)
        acc += (std::uint32_t{p[i]} << 8) | p[i + 1];
    if (n & 1) acc += std::uint32_t{p[n - 1]} << 8;
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<std::uint16_t>(~acc);
}

inline const std::vector<Byte>& payload_pattern() {
    static const std::vector<Byte> p = [] {
        std::vector<Byte> v(1500);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = static_cast<Byte>(i * 7 + 3);
        return v;
    }();
    return p;
}

/// Writes the frame for `s` (Ethernet 14 + IPv4 20 + TCP 20/32 + payload).
inline std::size_t write_tcp_frame(const TcpSpec& s, Byte* f) {
    const std::size_t tcp_len = s.timestamps ? 32 : 20;
    const std::size_t ip_total = 20 + tcp_len + s.payload_len;
    std::memcpy(f, s.dst_mac, 6);
    std::memcpy(f + 6, s.src_mac, 6);
    put16(f + 12, 0x0800);
    Byte* ip = f + 14;
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, static_cast<std::uint16_t>(ip_total));
    put16(ip + 4, s.ident);
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 6;
    put16(ip + 10, 0);
    put32(ip + 12, s.src_ip);
    put32(ip + 16, s.dst_ip);
    put16(ip + 10, reference_checksum(ip, 20, 0));
    Byte* tcp = ip + 20;
    put16(tcp, s.src_port);
    put16(tcp + 2, s.dst_port);
    put32(tcp + 4, s.seq);
    put32(tcp + 8, s.ack);
    tcp[12] = static_cast<Byte>((tcp_len / 4) << 4);
    tcp[13] = s.flags;
    put16(tcp + 14, s.window);
    put16(tcp + 16, 0);
    put16(tcp + 18, 0);
    if (s.timestamps) {
        tcp[20] = 1;
        tcp[21] = 1;
        tcp[22] = 8;
        tcp[23] = 10;
        put32(tcp + 24, s.tsval);
        put32(tcp + 28, s.tsecr);
    }
    std::memcpy(tcp + tcp_len, payload_pattern().data(), s.payload_len);
    const std::size_t seg = tcp_len + s.payload_len;
    const std::uint32_t pseudo = (s.src_ip >> 16) + (s.src_ip & 0xffff) + (s.dst_ip >> 16) +
                                 (s.dst_ip & 0xffff) + 6 + static_cast<std::uint32_t>(seg);
    put16(tcp + 16, reference_checksum(tcp, seg, pseudo));
    return 14 + ip_total;
}

struct Corpus {
    std::vector<TcpSpec> tcp_specs;
    std::vector<std::vector<Byte>> frames; // shuffled mix of all 1,000
};

inline Corpus make_corpus() {
    Corpus c;
    std::mt19937 rng(20261122);
    auto pick = [&](std::uint32_t lo, std::uint32_t hi) {
        return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
    };
    auto mac = [&](std::uint8_t* m) {
        for (int i = 0; i < 6; ++i)
            m[i] = static_cast<std::uint8_t>(pick(0, 255));
        m[0] = static_cast<std::uint8_t>((m[0] & 0xfe) | 0x02);
    };
    for (int i = 0; i < 850; ++i) {
        TcpSpec s{};
        mac(s.src_mac);
        mac(s.dst_mac);
        s.src_ip = pick(0x0a000000, 0x0affffff);
        s.dst_ip = pick(0x01000000, 0xdfffffff);
        s.ident = static_cast<std::uint16_t>(pick(0, 0xffff));
        s.src_port = static_cast<std::uint16_t>(pick(1024, 65535));
        s.dst_port = static_cast<std::uint16_t>(pick(0, 9) < 7 ? 443 : 80);
        s.seq = pick(0, 0xffffffff);
        s.ack = pick(0, 0xffffffff);
        s.flags = 0x10 | (pick(0, 1) ? 0x08 : 0);
        s.window = static_cast<std::uint16_t>(pick(1000, 65535));
        s.timestamps = pick(0, 99) < 70;
        s.tsval = pick(0, 0xffffffff);
        s.tsecr = pick(0, 0xffffffff);
        const std::uint32_t bucket = pick(0, 99);
        const std::uint16_t mss = s.timestamps ? 1448 : 1460;
        s.payload_len = static_cast<std::uint16_t>(bucket < 40   ? 0
                                                   : bucket < 55 ? pick(1, 99)
                                                   : bucket < 70 ? pick(100, 999)
                                                                 : mss);
        c.tcp_specs.push_back(s);
        std::vector<Byte> f(14 + 20 + 32 + 1460);
        f.resize(write_tcp_frame(s, f.data()));
        c.frames.push_back(std::move(f));
    }
    for (int i = 0; i < 100; ++i) { // UDP/DNS: a query for www.example.com, or a response
        const bool response = i % 2 == 1;
        static const Byte question[] = {3,   'w', 'w', 'w', 7,   'e', 'x', 'a', 'm', 'p', 'l',
                                        'e', 3,   'c', 'o', 'm', 0,   0,   1,   0,   1};
        std::vector<Byte> dns(12);
        put16(dns.data(), static_cast<std::uint16_t>(pick(0, 0xffff)));
        put16(dns.data() + 2, response ? 0x8180 : 0x0100);
        put16(dns.data() + 4, 1);
        put16(dns.data() + 6, response ? 1 : 0);
        dns.insert(dns.end(), std::begin(question), std::end(question));
        if (response) {
            const Byte answer[] = {0xc0, 0x0c, 0, 1, 0,  1,   0,   0,
                                   0x0e, 0x10, 0, 4, 93, 184, 216, 34};
            dns.insert(dns.end(), std::begin(answer), std::end(answer));
        }
        const std::size_t udp_len = 8 + dns.size();
        std::vector<Byte> f(14 + 20 + udp_len);
        Byte src_mac[6], dst_mac[6];
        mac(src_mac);
        mac(dst_mac);
        std::memcpy(f.data(), dst_mac, 6);
        std::memcpy(f.data() + 6, src_mac, 6);
        put16(f.data() + 12, 0x0800);
        Byte* ip = f.data() + 14;
        const std::uint32_t client = pick(0x0a000000, 0x0affffff), server = 0x08080808;
        const std::uint32_t src = response ? server : client, dst = response ? client : server;
        ip[0] = 0x45;
        put16(ip + 2, static_cast<std::uint16_t>(20 + udp_len));
        put16(ip + 4, static_cast<std::uint16_t>(pick(0, 0xffff)));
        ip[8] = 64;
        ip[9] = 17;
        put32(ip + 12, src);
        put32(ip + 16, dst);
        put16(ip + 10, reference_checksum(ip, 20, 0));
        Byte* udp = ip + 20;
        const std::uint16_t eph = static_cast<std::uint16_t>(pick(1024, 65535));
        put16(udp, response ? 53 : eph);
        put16(udp + 2, response ? eph : 53);
        put16(udp + 4, static_cast<std::uint16_t>(udp_len));
        std::memcpy(udp + 8, dns.data(), dns.size());
        const std::uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
                                     17 + static_cast<std::uint32_t>(udp_len);
        put16(udp + 6, reference_checksum(udp, udp_len, pseudo));
        c.frames.push_back(std::move(f));
    }
    for (int i = 0; i < 50; ++i) { // ARP request/reply, padded to the 60-byte minimum
        std::vector<Byte> f(60, 0);
        Byte sha[6], tha[6];
        mac(sha);
        mac(tha);
        const bool reply = i % 2 == 1;
        if (reply)
            std::memcpy(f.data(), tha, 6);
        else
            std::memset(f.data(), 0xff, 6);
        std::memcpy(f.data() + 6, sha, 6);
        put16(f.data() + 12, 0x0806);
        Byte* a = f.data() + 14;
        put16(a, 1);
        put16(a + 2, 0x0800);
        a[4] = 6;
        a[5] = 4;
        put16(a + 6, reply ? 2 : 1);
        std::memcpy(a + 8, sha, 6);
        put32(a + 14, pick(0xc0a80001, 0xc0a800fe));
        if (reply) std::memcpy(a + 18, tha, 6);
        put32(a + 24, pick(0xc0a80001, 0xc0a800fe));
        c.frames.push_back(std::move(f));
    }
    std::shuffle(c.frames.begin(), c.frames.end(), rng);
    return c;
}

inline const Corpus& corpus() {
    static const Corpus c = make_corpus();
    return c;
}

} // namespace corpus
