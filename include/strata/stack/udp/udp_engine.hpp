// The UDP engine (RFC 768, RFC 1122 §4.1): sockets bound to local
// endpoints, a bounded receive and send queue each, and the demultiplexing
// of arriving datagrams by destination port. It never transmits: sendto()
// queues, and the host drains the send queues in its poll (socket calls take
// no output token, smoltcp's model). Memory is fixed per socket when it is
// opened; a full queue drops and counts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/bytes.hpp>
#include <strata/core/random.hpp>
#include <strata/layer/udp.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/host/engine_for.hpp>
#include <strata/stack/udp/datagram_queue.hpp>

namespace strata::stack {

/// Linux's ip_local_port_range default: 32768..60999.
inline constexpr std::uint16_t ephemeral_first = 32768;
inline constexpr std::uint16_t ephemeral_last = 60999;

struct UdpConfig {
    std::size_t max_sockets = 64;
    std::size_t recv_bytes = 208 * 1024; ///< per socket (Linux's default rmem 212992)
    std::size_t recv_datagrams = 256;    ///< per socket
    std::size_t send_bytes = 64 * 1024;  ///< per socket, until the next poll sends them
    std::size_t send_datagrams = 64;
};

struct UdpCounters {
    std::uint64_t datagrams_in = 0;
    std::uint64_t datagrams_out = 0;
    std::uint64_t no_port = 0;         ///< no socket: ICMP port unreachable (RFC 1122 §4.1.3.1)
    std::uint64_t recv_queue_full = 0; ///< dropped: the socket's queue was full
    std::uint64_t bad_checksum = 0;
    std::uint64_t malformed = 0;
};

/// What recvfrom() returns: the bytes copied and who sent them. A datagram
/// longer than the buffer is truncated (the rest is lost, as recvfrom(2)
/// without MSG_TRUNC); `full_length` says how long it was.
struct Received {
    std::size_t length = 0;
    std::size_t full_length = 0;
    Endpoint from{};
};

class UdpEngine {
public:
    using SockId = std::uint32_t;

    explicit UdpEngine(const UdpConfig& c = {}) : config_(c) {
        sockets_.reserve(c.max_sockets);
        by_port_.reserve(c.max_sockets);
    }

    // ------------------------------------------------------------- sockets
    SysResult<SockId> open() {
        for (SockId i = 0; i < sockets_.size(); ++i) {
            if (!sockets_[i].open) {
                reset(sockets_[i]);
                return i;
            }
        }
        if (sockets_.size() >= config_.max_sockets) return Errno::emfile;
        sockets_.emplace_back();
        reset(sockets_.back());
        return static_cast<SockId>(sockets_.size() - 1);
    }

    /// Binds to `local` (address 0 = any of the host's; port 0 = ephemeral).
    /// `own` is the host's address: binding another one is EADDRNOTAVAIL.
    SysStatus bind(SockId s, Endpoint local, Ipv4Address own, RandomStream& rng) {
        if (!valid(s)) return Errno::ebadf;
        Socket& k = sockets_[s];
        if (k.bound) return Errno::einval;
        if (!local.addr.is_unspecified() && local.addr != own) return Errno::eaddrnotavail;
        if (local.port.value() == 0) {
            auto p = ephemeral(rng);
            if (!p) return Errno::eaddrnotavail;
            local.port = *p;
        } else if (by_port_.contains(local.port.value())) {
            return Errno::eaddrinuse;
        }
        k.local = local;
        k.bound = true;
        by_port_.emplace(local.port.value(), s);
        return Done{};
    }

    /// Sets the default peer (RFC 1122 §4.1.3.4 "connected" UDP); binds an
    /// ephemeral port first if needed. Address 0 dissolves the association.
    SysStatus connect(SockId s, Endpoint remote, Ipv4Address own, RandomStream& rng) {
        if (!valid(s)) return Errno::ebadf;
        Socket& k = sockets_[s];
        if (remote.addr.is_unspecified()) {
            k.remote.reset();
            return Done{};
        }
        if (remote.port.value() == 0) return Errno::einval;
        if (!k.bound)
            if (auto r = bind(s, Endpoint{}, own, rng); !r) return r;
        k.remote = remote;
        k.error = Errno::ok;
        return Done{};
    }

    /// getsockopt(SO_ERROR): the pending ICMP error, once.
    Errno take_error(SockId s) noexcept {
        if (!valid(s)) return Errno::ebadf;
        return take_error(sockets_[s]);
    }

    /// Queues one datagram to `to` (or the connected peer when nullopt).
    SysResult<std::size_t> sendto(SockId s, Bytes data, std::optional<Endpoint> to, Ipv4Address own,
                                  RandomStream& rng) {
        if (!valid(s)) return Errno::ebadf;
        Socket& k = sockets_[s];
        if (Errno e = take_error(k); e != Errno::ok) return e;
        if (!to) {
            if (!k.remote) return Errno::enotconn;
            to = k.remote;
        } else if (k.remote && *to != *k.remote) {
            return Errno::eisconn;
        }
        if (to->port.value() == 0 || to->addr.is_unspecified()) return Errno::einval;
        if (data.size() > 65535 - 20 - 8) return Errno::emsgsize;
        if (!k.bound)
            if (auto r = bind(s, Endpoint{}, own, rng); !r) return r.error();
        if (data.size() > k.tx.capacity_bytes()) return Errno::emsgsize;
        if (!k.tx.push({*to, k.local}, data)) return Errno::eagain;
        return data.size();
    }

    SysResult<Received> recvfrom(SockId s, MutBytes buf) {
        if (!valid(s)) return Errno::ebadf;
        Socket& k = sockets_[s];
        if (Errno e = take_error(k); e != Errno::ok) return e;
        if (k.rx.empty()) return Errno::eagain;
        const Bytes d = k.rx.front();
        Received r{std::min(d.size(), buf.size()), d.size(), k.rx.front_meta().peer};
        if (r.length != 0) copy_bytes(d.first(r.length), buf.data());
        k.rx.pop();
        return r;
    }

    SysStatus close(SockId s) {
        if (!valid(s)) return Errno::ebadf;
        Socket& k = sockets_[s];
        if (k.bound) by_port_.erase(k.local.port.value());
        k.open = false;
        k.rx.clear();
        k.tx.clear();
        return Done{};
    }

    struct Readiness {
        bool readable = false, writable = false;
        Errno error = Errno::ok;
    };
    [[nodiscard]] Readiness readiness(SockId s) const noexcept {
        if (!valid(s)) return {false, false, Errno::ebadf};
        const Socket& k = sockets_[s];
        return {!k.rx.empty(), true, k.error};
    }
    [[nodiscard]] std::optional<Endpoint> local(SockId s) const noexcept {
        if (!valid(s) || !sockets_[s].bound) return std::nullopt;
        return sockets_[s].local;
    }
    [[nodiscard]] std::optional<Endpoint> remote(SockId s) const noexcept {
        if (!valid(s)) return std::nullopt;
        return sockets_[s].remote;
    }
    [[nodiscard]] std::uint64_t drops(SockId s) const noexcept {
        return valid(s) ? sockets_[s].drops : 0;
    }

    // ------------------------------------------------------------- stack side
    enum class Delivered : std::uint8_t { ok, no_socket, queue_full };

    /// One arriving datagram (checksum already verified by the host).
    Delivered deliver(Endpoint from, Endpoint to, Bytes payload) noexcept {
        ++counters_.datagrams_in;
        const auto it = by_port_.find(to.port.value());
        if (it == by_port_.end()) {
            ++counters_.no_port;
            return Delivered::no_socket;
        }
        Socket& k = sockets_[it->second];
        // A connected socket takes only its peer's datagrams (RFC 1122 §4.1.3.4, Linux).
        if (k.remote && (k.remote->addr != from.addr || k.remote->port != from.port)) {
            ++counters_.no_port;
            return Delivered::no_socket;
        }
        if (!k.local.addr.is_unspecified() && k.local.addr != to.addr && !to.addr.is_broadcast()) {
            ++counters_.no_port;
            return Delivered::no_socket;
        }
        if (!k.rx.push({from, to}, payload)) {
            ++counters_.recv_queue_full;
            ++k.drops;
            return Delivered::queue_full;
        }
        return Delivered::ok;
    }

    /// An ICMP error about a datagram from `local` to `remote`: reported on
    /// the socket only when it is connected to that peer (RFC 1122
    /// §4.1.3.3; Linux does the same: unconnected sockets never see it).
    /// True when a socket took it.
    bool icmp_error(Endpoint local, Endpoint remote, Errno e) noexcept {
        const auto it = by_port_.find(local.port.value());
        if (it == by_port_.end()) return false;
        Socket& k = sockets_[it->second];
        if (!k.remote || *k.remote != remote) return false;
        k.error = e;
        return true;
    }

    [[nodiscard]] bool has_output() const noexcept {
        for (const Socket& k : sockets_)
            if (k.open && !k.tx.empty()) return true;
        return false;
    }

    /// Calls send(local, remote, payload) for every queued datagram, oldest
    /// first per socket, and forgets them (a datagram that cannot be sent,
    /// for want of a route, is lost as UDP allows; the host counts it).
    template <class F>
    void drain(F&& send) {
        for (Socket& k : sockets_) {
            while (k.open && !k.tx.empty()) {
                const auto& m = k.tx.front_meta();
                send(m.local, m.peer, k.tx.front());
                ++counters_.datagrams_out;
                k.tx.pop();
            }
        }
    }

    [[nodiscard]] const UdpCounters& counters() const noexcept { return counters_; }
    UdpCounters& counters() noexcept { return counters_; }

    /// Calls f(SockId, local, optional remote) for every bound socket.
    template <class F>
    void for_each(F&& f) const {
        for (SockId i = 0; i < sockets_.size(); ++i)
            if (sockets_[i].open && sockets_[i].bound) f(i, sockets_[i].local, sockets_[i].remote);
    }

private:
    struct Socket {
        bool open = false;
        bool bound = false;
        Endpoint local{};
        std::optional<Endpoint> remote{};
        Errno error = Errno::ok;
        std::uint64_t drops = 0;
        DatagramQueue rx{};
        DatagramQueue tx{};
    };

    void reset(Socket& k) {
        const bool had = k.rx.capacity_bytes() != 0;
        k.open = true;
        k.bound = false;
        k.local = {};
        k.remote.reset();
        k.error = Errno::ok;
        k.drops = 0;
        if (!had) { // buffers are made once per slot and reused
            k.rx = DatagramQueue(config_.recv_bytes, config_.recv_datagrams);
            k.tx = DatagramQueue(config_.send_bytes, config_.send_datagrams);
        }
        k.rx.clear();
        k.tx.clear();
    }
    [[nodiscard]] bool valid(SockId s) const noexcept {
        return s < sockets_.size() && sockets_[s].open;
    }
    static Errno take_error(Socket& k) noexcept {
        const Errno e = k.error;
        k.error = Errno::ok;
        return e;
    }
    /// A random start in Linux's range, then the next free port (Linux's
    /// __inet_hash_connect also walks from a random offset).
    std::optional<Port> ephemeral(RandomStream& rng) const {
        constexpr std::uint32_t span = ephemeral_last - ephemeral_first + 1;
        const auto start = static_cast<std::uint32_t>(rng.below(span));
        for (std::uint32_t i = 0; i < span; ++i) {
            const auto p = static_cast<std::uint16_t>(ephemeral_first + (start + i) % span);
            if (!by_port_.contains(p)) return Port{p};
        }
        return std::nullopt;
    }

    UdpConfig config_;
    std::vector<Socket> sockets_;
    boost::unordered_flat_map<std::uint16_t, SockId> by_port_;
    UdpCounters counters_{};
};

template <class Inner>
struct engine_for<UDP<Inner>> {
    using type = UdpEngine;
};
namespace detail {
template <>
inline constexpr bool is_builtin_engine<UdpEngine> = true;
}

} // namespace strata::stack
