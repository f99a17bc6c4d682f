// A back-to-back test bench for two TCP engines: each segment is encoded
// into real bytes (TcpRepr::emit with the checksum), parsed back with
// TcpView::checked, and delivered to the other engine after a delay on a
// virtual clock, with seeded loss, duplication and reordering.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/core/random.hpp>
#include <strata/stack/tcp/engine.hpp>

namespace tcptest {

using namespace strata;
using namespace strata::stack;
using namespace strata::stack::tcp;
using namespace std::chrono_literals;

inline const Ipv4Address addr_a{0x0a000001}; // 10.0.0.1
inline const Ipv4Address addr_b{0x0a000002}; // 10.0.0.2

struct Sent {
    int from; // 0 = A, 1 = B
    Instant at;
    TcpRepr h;
    std::size_t len;
    bool dropped;
};

struct Net {
    struct Packet {
        Instant at;
        std::uint64_t order;
        int to;
        Ipv4Address src, dst;
        std::vector<Byte> bytes;
    };
    Instant now{};
    RandomStream rng{1};
    double loss = 0, dup = 0, reorder = 0;
    Duration delay = 5ms;
    std::vector<Packet> q;
    std::uint64_t order = 0;
    std::vector<Sent> log;
    bool keep_log = true;
    /// Return true to drop this segment (in addition to random loss).
    std::function<bool(int from, const TcpRepr&)> drop_if;

    void push(int to, Ipv4Address src, Ipv4Address dst, std::vector<Byte> b, Duration d) {
        q.push_back(Packet{now + d, order++, to, src, dst, std::move(b)});
    }
};

struct Sink {
    Net* net;
    int side;
    std::uint32_t mtu = 1500;
    std::uint64_t sent = 0;

    bool send_segment(const FourTuple& t, const TcpRepr& h, Bytes p1, Bytes p2) {
        std::vector<Byte> buf(h.buffer_len() + p1.size() + p2.size());
        std::copy(p1.begin(), p1.end(), buf.begin() + static_cast<std::ptrdiff_t>(h.buffer_len()));
        std::copy(p2.begin(), p2.end(),
                  buf.begin() + static_cast<std::ptrdiff_t>(h.buffer_len() + p1.size()));
        h.emit(TcpView<Byte>::unchecked(std::span<Byte>(buf)), t.local.addr, t.remote.addr);
        ++sent;
        bool drop = net->drop_if && net->drop_if(side, h);
        if (!drop && net->rng.chance(net->loss)) drop = true;
        if (net->keep_log) net->log.push_back(Sent{side, net->now, h, p1.size() + p2.size(), drop});
        if (drop) return true;
        Duration d = net->delay;
        if (net->rng.chance(net->reorder))
            d += std::chrono::microseconds{net->rng.between(100, 4000)};
        if (net->rng.chance(net->dup))
            net->push(1 - side, t.local.addr, t.remote.addr, buf, d + 1ms);
        net->push(1 - side, t.local.addr, t.remote.addr, std::move(buf), d);
        return true;
    }
    std::uint32_t path_mtu(Ipv4Address) const { return mtu; }
};

template <class CC = NewReno>
struct Pair {
    Net net;
    Engine<CC> a;
    Engine<CC> b;
    Sink sa{&net, 0};
    Sink sb{&net, 1};

    explicit Pair(TcpConfig ca = {}, TcpConfig cb = {}, std::uint64_t seed = 1)
        : a(ca, RandomStream::derive(seed, "a")), b(cb, RandomStream::derive(seed, "b")) {
        net.rng = RandomStream::derive(seed, "net");
        net.now = at_ns(1'000'000'000); // start at 1 s: a zero Instant is not special
    }
    Engine<CC>& eng(int side) { return side == 0 ? a : b; }
    Sink& sink(int side) { return side == 0 ? sa : sb; }

    /// Delivers a hand-made segment to engine `to` as if from the other side.
    void inject(int to, const FourTuple& from_tuple, const TcpRepr& h, Bytes payload = {}) {
        std::vector<Byte> buf(h.buffer_len() + payload.size());
        std::copy(payload.begin(), payload.end(),
                  buf.begin() + static_cast<std::ptrdiff_t>(h.buffer_len()));
        h.emit(TcpView<Byte>::unchecked(std::span<Byte>(buf)), from_tuple.local.addr,
               from_tuple.remote.addr);
        auto v = TcpView<const Byte>::checked(std::span<const Byte>(buf));
        REQUIRE(v);
        eng(to).receive(from_tuple.local.addr, from_tuple.remote.addr, *v, net.now, sink(to));
    }

    void deliver_due() {
        for (;;) {
            auto it =
                std::min_element(net.q.begin(), net.q.end(), [](const auto& x, const auto& y) {
                    return x.at != y.at ? x.at < y.at : x.order < y.order;
                });
            if (it == net.q.end() || it->at > net.now) return;
            Net::Packet p = std::move(*it);
            net.q.erase(it);
            auto v = TcpView<const Byte>::checked(std::span<const Byte>(p.bytes));
            REQUIRE(v);
            REQUIRE(v->verify_checksum(p.src, p.dst));
            eng(p.to).receive(p.src, p.dst, *v, net.now, sink(p.to));
        }
    }

    /// Runs the network and both engines until done() (called after every
    /// step; it may make socket calls) or `limit` of virtual time passes.
    template <class F>
    bool run_until(F&& done, Duration limit) {
        const Instant end = net.now + limit;
        for (long guard = 0; guard < 50'000'000; ++guard) {
            a.poll(net.now, sa);
            b.poll(net.now, sb);
            if (done()) return true;
            Instant t = std::min(a.poll_at(), b.poll_at());
            for (const auto& p : net.q)
                t = std::min(t, p.at);
            if (t > net.now) {
                if (t > end) return false;
                net.now = t;
            }
            deliver_due();
        }
        FAIL("no progress");
        return false;
    }
    void run_for(Duration d) {
        const Instant end = net.now + d;
        run_until([&] { return false; }, d);
        net.now = std::max(net.now, end);
    }

    /// A connects to B's listener on port 80; returns {client, server} ids.
    std::pair<ConnId, ConnId> connect(Port client_port = Port{0}) {
        auto l = b.listen(Endpoint{addr_b, Port{80}}, 16);
        REQUIRE(l);
        auto c = a.connect(Endpoint{addr_a, client_port}, Endpoint{addr_b, Port{80}}, net.now);
        REQUIRE(c);
        ConnId server = no_conn;
        REQUIRE(run_until(
            [&] {
                if (auto s = b.accept(*l)) server = *s;
                return server != no_conn && a.state(*c) == State::established;
            },
            10s));
        listener = *l;
        return {*c, server};
    }
    ConnId listener = no_conn;

    /// A's side of connection `c` (as B sees it arrive) and a header from it
    /// to B's port 80 with `flags`, for segments injected by hand.
    [[nodiscard]] std::pair<FourTuple, TcpRepr> from_a(ConnId c, TcpFlags flags) const {
        const FourTuple from{{addr_a, a.tuple(c)->local.port}, {addr_b, Port{80}}};
        TcpRepr h;
        h.src_port = from.local.port;
        h.dst_port = Port{80};
        h.flags = flags;
        return {from, h};
    }

    std::size_t count(int from, TcpFlags must, TcpFlags must_not = {}) const {
        return static_cast<std::size_t>(
            std::count_if(net.log.begin(), net.log.end(), [&](const Sent& s) {
                return s.from == from && s.h.flags.has(must) && !s.h.flags.any(must_not);
            }));
    }
    const Sent* last(int from, TcpFlags must = {}) const {
        for (auto it = net.log.rbegin(); it != net.log.rend(); ++it)
            if (it->from == from && it->h.flags.has(must)) return &*it;
        return nullptr;
    }
};

inline std::vector<Byte> pseudo_random(std::size_t n, std::uint64_t seed) {
    RandomStream r{seed};
    std::vector<Byte> v(n);
    for (auto& b : v)
        b = static_cast<Byte>(r.next());
    return v;
}

} // namespace tcptest
