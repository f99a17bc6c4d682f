// Runs a packetdrill script (a subset of its syntax) through the library the
// way packetdrill would, so the .pkt files in scripts/ are executed by ctest
// even where no packetdrill binary exists.
//
// The subset: comment lines (//), event times (0, +N, +.N), the system calls
// socket, setsockopt(SO_REUSEADDR), bind, listen, accept, connect,
// fcntl(F_SETFL, O_RDWR|O_NONBLOCK), read, write, close with "= N" or
// "= -1 ERRNO", and TCP packets "< FLAGS seq:end(len) [ack N] [win N]
// [<options>]" / "> ...". Semantics follow packetdrill's: remote sequence
// numbers are as written (the remote ISN is 0), local ones are relative to
// the ISN of the stack's first SYN or SYN-ACK; an outbound packet is checked
// for its flags, sequence, acknowledgment, payload length, and window and
// options when written; TS val of outbound packets is not checked
// (packetdrill's default --tcp_ts_tick_usecs=0) and an inbound TS ecr is
// mapped to the live TS val as packetdrill maps it; times are checked (we
// use 20 µs, packetdrill's tolerance is 4 ms). With check_ts_val, TS val is
// checked as with packetdrill's --tcp_ts_tick_usecs=1000.
#pragma once

#include <cerrno>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>

#include "drill.hpp"

namespace drill {

struct ScriptConfig {
    std::uint32_t local = ip(192, 168, 0, 1);
    std::uint32_t remote = ip(192, 0, 2, 1);
    std::uint16_t port = 8080;         // --bind_port / --connect_port
    std::uint16_t remote_port = 40000; // the peer's port in server scripts
    long long tolerance_usecs = 20;
    /// packetdrill's --tcp_ts_tick_usecs=1000: outbound TS val must advance
    /// as the script's does (1 ms per tick) from the first one seen.
    bool check_ts_val = false;
};

class ScriptError : public std::runtime_error {
public:
    ScriptError(int line, const std::string& what)
        : std::runtime_error("line " + std::to_string(line) + ": " + what) {}
};

class PktRunner {
public:
    PktRunner(Drill& d, ScriptConfig c)
        : d_(d), c_(c), local_port_(c.port), remote_port_(c.remote_port) {}

    /// Runs every line; throws ScriptError at the first mismatch.
    void run_file(const std::string& path) {
        std::ifstream in(path);
        if (!in) throw std::runtime_error("cannot open " + path);
        std::string line;
        int n = 0;
        t0_ = d_.now();
        while (std::getline(in, line)) {
            ++n;
            const auto cut = line.find("//");
            if (cut != std::string::npos) line.erase(cut);
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            run_line(n, line);
        }
    }

    int lines_run = 0;

private:
    void run_line(int n, const std::string& line) {
        std::istringstream is(line);
        std::string when;
        is >> when;
        const long long t = parse_time(n, when);
        std::string rest;
        std::getline(is, rest);
        rest.erase(0, rest.find_first_not_of(' '));
        ++lines_run;
        if (rest.rfind("< ", 0) == 0) {
            d_.wait_until(t0_ + t);
            inbound(n, rest.substr(2));
        } else if (rest.rfind("> ", 0) == 0) {
            outbound(n, rest.substr(2), t);
        } else {
            d_.wait_until(t0_ + t);
            syscall(n, rest);
        }
    }

    long long parse_time(int n, const std::string& w) {
        const bool rel = !w.empty() && w[0] == '+';
        const double v = std::stod(rel ? w.substr(1) : w);
        const auto us = static_cast<long long>(v * 1e6 + 0.5);
        last_ = rel ? last_ + us : us;
        if (!rel && n < 0) throw ScriptError(n, "time");
        return last_;
    }

    struct Pkt {
        std::uint8_t flags = 0;
        std::uint32_t seq = 0, end = 0, len = 0;
        std::optional<std::uint32_t> ack, win;
        std::optional<Octets> options;
        std::optional<std::uint32_t> ts_val, ts_ecr;
        std::size_t ts_at = 0; ///< offset of TS val in the options
    };

    static Pkt parse_packet(int n, const std::string& s) {
        static const std::regex re(
            R"(^([SPFR.]+)\s+(\d+):(\d+)\((\d+)\)(?:\s+ack\s+(\d+))?(?:\s+win\s+(\d+))?\s*(?:<(.*)>)?\s*$)");
        std::smatch m;
        if (!std::regex_match(s, m, re)) throw ScriptError(n, "cannot parse packet: " + s);
        Pkt p;
        for (char f : m[1].str()) {
            if (f == 'S') p.flags |= SYN;
            if (f == 'P') p.flags |= PSH;
            if (f == 'F') p.flags |= FIN;
            if (f == 'R') p.flags |= RST;
            if (f == '.') p.flags |= ACK;
        }
        p.seq = static_cast<std::uint32_t>(std::stoul(m[2]));
        p.end = static_cast<std::uint32_t>(std::stoul(m[3]));
        p.len = static_cast<std::uint32_t>(std::stoul(m[4]));
        if (m[5].matched) p.ack = static_cast<std::uint32_t>(std::stoul(m[5]));
        if (m[6].matched) p.win = static_cast<std::uint32_t>(std::stoul(m[6]));
        if (m[7].matched) {
            Octets o;
            std::stringstream list(m[7].str());
            std::string opt;
            while (std::getline(list, opt, ',')) {
                std::istringstream w(opt);
                std::string kind;
                w >> kind;
                unsigned long a = 0, b = 0;
                std::string word;
                if (kind == "nop") {
                    o.push_back(1);
                } else if (kind == "mss") {
                    w >> a;
                    o.insert(o.end(), {2, 4, static_cast<std::uint8_t>(a >> 8),
                                       static_cast<std::uint8_t>(a)});
                } else if (kind == "sackOK") {
                    o.insert(o.end(), {4, 2});
                } else if (kind == "wscale") {
                    w >> a;
                    o.insert(o.end(), {3, 3, static_cast<std::uint8_t>(a)});
                } else if (kind == "TS") {
                    w >> word >> a >> word >> b; // val A ecr B
                    o.insert(o.end(), {8, 10});
                    p.ts_at = o.size();
                    p.ts_val = static_cast<std::uint32_t>(a);
                    p.ts_ecr = static_cast<std::uint32_t>(b);
                    for (int i = 0; i < 8; ++i)
                        o.push_back(0);
                    put32(o, p.ts_at, *p.ts_val);
                    put32(o, p.ts_at + 4, *p.ts_ecr);
                } else {
                    throw ScriptError(n, "option not in the subset: " + opt);
                }
            }
            p.options = o;
        }
        return p;
    }

    void inbound(int n, const std::string& s) {
        Pkt p = parse_packet(n, s);
        Segment seg{c_.remote,
                    c_.local,
                    remote_port_,
                    local_port_,
                    p.seq,
                    p.ack ? *p.ack + isn_ : 0,
                    p.flags,
                    static_cast<std::uint16_t>(p.win.value_or(0)),
                    p.options.value_or(Octets{}),
                    0};
        if (p.ts_ecr && *p.ts_ecr != 0) // the script's TS val of ours, as the live one
            put32(seg.options, p.ts_at + 4, *p.ts_ecr + ts_offset_);
        if (d_.inject(build(seg, Octets(p.len, 'x'))) != 0) throw ScriptError(n, "netdev_send");
    }

    void outbound(int n, const std::string& s, long long t) {
        const Pkt p = parse_packet(n, s);
        const Out o = d_.receive();
        if (o.bytes.empty()) throw ScriptError(n, "expected a packet, the stack sent none");
        auto fail = [&](const std::string& what, long long want, long long got) {
            throw ScriptError(n, what + ": expected " + std::to_string(want) + " got " +
                                     std::to_string(got));
        };
        if (o.tcp.flags != p.flags) fail("flags", p.flags, o.tcp.flags);
        if ((p.flags & SYN) && !have_isn_) {
            isn_ = o.tcp.seq - p.seq;
            have_isn_ = true;
            if (!(p.flags & ACK)) { // our SYN: we are the client
                local_port_ = o.tcp.sport;
                remote_port_ = c_.port;
            }
        }
        const long long late = o.time_usecs - (t0_ + t);
        if (late > c_.tolerance_usecs || late < -c_.tolerance_usecs)
            fail("time (µs)", t, o.time_usecs - t0_);
        if (o.tcp.src != c_.local || o.tcp.dst != c_.remote) fail("addresses", c_.local, o.tcp.src);
        if (o.tcp.sport != local_port_ || o.tcp.dport != remote_port_)
            fail("ports", local_port_, o.tcp.sport);
        if (!o.ip_sum_ok || !o.tcp_sum_ok) fail("checksums", 1, 0);
        if (o.tcp.seq - isn_ != p.seq) fail("seq", p.seq, o.tcp.seq - isn_);
        if (o.tcp.payload != p.len)
            fail("payload length", p.len, static_cast<long long>(o.tcp.payload));
        if (p.ack && o.tcp.ack != *p.ack) fail("ack", *p.ack, o.tcp.ack);
        if (p.win && o.tcp.win != *p.win) fail("win", *p.win, o.tcp.win);
        if (p.options) {
            Octets want = *p.options;
            if (p.ts_val) { // TS val unchecked: take the live one, remember the mapping
                if (o.tcp.options.size() != want.size())
                    fail("options length", static_cast<long long>(want.size()),
                         static_cast<long long>(o.tcp.options.size()));
                const std::uint32_t live = be32(o.tcp.options, p.ts_at);
                if (c_.check_ts_val && have_ts_) {
                    if (live - ts_offset_ != *p.ts_val)
                        fail("TS val", *p.ts_val, live - ts_offset_);
                } else {
                    ts_offset_ = live - *p.ts_val;
                    have_ts_ = true;
                }
                put32(want, p.ts_at, live);
            }
            if (o.tcp.options != want) throw ScriptError(n, "options differ");
        }
    }

    void syscall(int n, const std::string& s) {
        static const std::regex re(R"(^(\w+)\((.*)\)\s*=\s*(-?\d+)(?:\s+(\w+))?.*$)");
        std::smatch m;
        if (!std::regex_match(s, m, re)) throw ScriptError(n, "cannot parse call: " + s);
        const std::string name = m[1];
        std::vector<std::string> args;
        {
            std::stringstream a(m[2].str());
            std::string x;
            while (std::getline(a, x, ','))
                args.push_back(x.substr(x.find_first_not_of(' ')));
        }
        const long long want = std::stoll(m[3]);
        const std::string want_errno = m[4].matched ? m[4].str() : "";
        auto fd = [&](std::size_t i) { return std::stoi(args.at(i)); };
        std::vector<char> buf;
        long long got = 0;
        errno = 0;
        if (name == "socket") {
            got = d_.ifc.socket(d_.u(), AF_INET, SOCK_STREAM, IPPROTO_TCP);
        } else if (name == "setsockopt") {
            const int one = 1; // only SO_REUSEADDR, [1] in the subset
            got = d_.ifc.setsockopt(d_.u(), fd(0), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        } else if (name == "bind") {
            const sockaddr_in a = Drill::addr(c_.local, c_.port);
            got = d_.ifc.bind(d_.u(), fd(0), reinterpret_cast<const sockaddr*>(&a), sizeof a);
        } else if (name == "listen") {
            got = d_.ifc.listen(d_.u(), fd(0), fd(1));
        } else if (name == "accept") {
            got = d_.ifc.accept(d_.u(), fd(0), nullptr, nullptr);
        } else if (name == "connect") {
            const sockaddr_in a = Drill::addr(c_.remote, c_.port);
            got = d_.ifc.connect(d_.u(), fd(0), reinterpret_cast<const sockaddr*>(&a), sizeof a);
        } else if (name == "fcntl") {
            got = d_.ifc.fcntl(d_.u(), fd(0), F_SETFL, O_RDWR | O_NONBLOCK);
        } else if (name == "read") {
            buf.resize(std::stoul(args.at(2)));
            got = d_.ifc.read(d_.u(), fd(0), buf.data(), buf.size());
        } else if (name == "write") {
            buf.assign(std::stoul(args.at(2)), 'w');
            got = d_.ifc.write(d_.u(), fd(0), buf.data(), buf.size());
        } else if (name == "close") {
            got = d_.ifc.close(d_.u(), fd(0));
        } else {
            throw ScriptError(n, "call not in the subset: " + name);
        }
        if (got != want)
            throw ScriptError(n, name + " returned " + std::to_string(got) + " (errno " +
                                     std::to_string(errno) + "), expected " + std::to_string(want));
        if (!want_errno.empty() && errno_name(errno) != want_errno)
            throw ScriptError(n, name + " errno " + std::to_string(errno) + ", expected " +
                                     want_errno);
    }

    static std::string errno_name(int e) {
        static const std::map<int, std::string> names{
            {EINPROGRESS, "EINPROGRESS"},   {ECONNRESET, "ECONNRESET"}, {EAGAIN, "EAGAIN"},
            {ECONNREFUSED, "ECONNREFUSED"}, {ENOTCONN, "ENOTCONN"},     {EPIPE, "EPIPE"},
            {ETIMEDOUT, "ETIMEDOUT"},       {EISCONN, "EISCONN"},       {EALREADY, "EALREADY"}};
        const auto it = names.find(e);
        return it == names.end() ? std::to_string(e) : it->second;
    }

    Drill& d_;
    ScriptConfig c_;
    long long t0_ = 0, last_ = 0;
    std::uint16_t local_port_, remote_port_;
    std::uint32_t isn_ = 0, ts_offset_ = 0;
    bool have_isn_ = false;
    bool have_ts_ = false;
};

} // namespace drill
