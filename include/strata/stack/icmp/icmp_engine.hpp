// The ICMP engine's own state (RFC 792, RFC 1122 §3.2.2): ping sockets.
// Echo replies to others' requests and the delivery of errors are the
// host's frame path (they need the output token and the other engines);
// what lives here is what an application asks for: "ping this address with
// this sequence number" and the replies with their round-trip time, like a
// Linux ping socket (SOCK_DGRAM, IPPROTO_ICMP) whose identifier is drawn
// at random. Fixed memory: a few requests waiting for the next poll and a
// bounded queue of replies per socket.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/host/engine_for.hpp>

namespace strata::stack {

/// One echo reply that matched a request of ours.
struct PingReply {
    Ipv4Address from{};
    std::uint16_t ident = 0;
    std::uint16_t seq = 0;
    std::uint8_t ttl = 0;
    std::size_t data_bytes = 0; ///< ICMP data after the 8-byte header
    Duration rtt{};             ///< from the poll that sent the request to the receive of the reply
};

struct IcmpCounters {
    std::uint64_t echo_requests_in = 0;
    std::uint64_t echo_replies_out = 0;
    std::uint64_t echo_requests_out = 0;
    std::uint64_t echo_replies_in = 0;
    std::uint64_t errors_in = 0;
    std::uint64_t errors_out = 0;
    std::uint64_t bad_checksum = 0;
    std::uint64_t malformed = 0;
    std::uint64_t unmatched_replies = 0;
};

class IcmpEngine {
public:
    using SockId = std::uint32_t;
    static constexpr std::size_t max_sockets = 16;
    static constexpr std::size_t pending_per_socket = 8;
    static constexpr std::size_t replies_per_socket = 64;
    static constexpr std::size_t max_data = 1472; ///< fits one 1500-byte packet

    IcmpEngine() { sockets_.reserve(max_sockets); }

    SysResult<SockId> open(RandomStream& rng) {
        SockId id = 0;
        while (id < sockets_.size() && sockets_[id].open)
            ++id;
        if (id == max_sockets) return Errno::emfile;
        if (id == sockets_.size()) sockets_.emplace_back();
        Socket& s = sockets_[id];
        s = Socket{};
        s.open = true;
        // The identifier plays the part of a port; keep it unique here.
        for (;;) {
            s.ident = static_cast<std::uint16_t>(rng.below(0x10000));
            if (find_ident(s.ident, id) == nullptr) break;
        }
        return id;
    }
    SysStatus close(SockId id) {
        if (!valid(id)) return Errno::ebadf;
        sockets_[id].open = false;
        return Done{};
    }
    [[nodiscard]] std::uint16_t ident(SockId id) const noexcept {
        return valid(id) ? sockets_[id].ident : 0;
    }

    /// Asks for an echo request to `to` with sequence `seq` and `data_bytes`
    /// of data (at most max_data); it leaves at the host's next poll.
    SysStatus ping(SockId id, Ipv4Address to, std::uint16_t seq, std::size_t data_bytes = 56) {
        if (!valid(id)) return Errno::ebadf;
        if (data_bytes > max_data) return Errno::emsgsize;
        Socket& s = sockets_[id];
        if (s.pending_count == pending_per_socket) return Errno::eagain;
        s.pending[s.pending_count++] = Pending{to, seq, static_cast<std::uint16_t>(data_bytes)};
        return Done{};
    }
    /// The oldest reply not yet read; EAGAIN when none.
    SysResult<PingReply> reply(SockId id) {
        if (!valid(id)) return Errno::ebadf;
        Socket& s = sockets_[id];
        if (s.reply_count == 0) return Errno::eagain;
        const PingReply r = s.replies[s.reply_head];
        s.reply_head = (s.reply_head + 1) % replies_per_socket;
        --s.reply_count;
        return r;
    }
    [[nodiscard]] bool readable(SockId id) const noexcept {
        return valid(id) && sockets_[id].reply_count != 0;
    }

    // ------------------------------------------------------------- stack side
    [[nodiscard]] bool has_output() const noexcept {
        for (const Socket& s : sockets_)
            if (s.open && s.pending_count != 0) return true;
        return false;
    }
    /// Calls send(to, ident, seq, data_bytes) -> bool for each waiting
    /// request and remembers when it left (`now`) for the RTT.
    template <class F>
    void drain(Instant now, F&& send) {
        for (Socket& s : sockets_) {
            if (!s.open) continue;
            for (std::size_t i = 0; i < s.pending_count; ++i) {
                const Pending& p = s.pending[i];
                if (send(p.to, s.ident, p.seq, std::size_t{p.data_bytes})) {
                    s.sent[p.seq % s.sent.size()] = Sent{p.seq, true, now};
                    ++counters_.echo_requests_out;
                }
            }
            s.pending_count = 0;
        }
    }
    /// An echo reply arrived; true when it matched a request of ours.
    bool echo_reply(Ipv4Address from, std::uint16_t ident, std::uint16_t seq, std::uint8_t ttl,
                    std::size_t data_bytes, Instant now) noexcept {
        ++counters_.echo_replies_in;
        Socket* s = find_ident(ident, max_sockets);
        if (s == nullptr) {
            ++counters_.unmatched_replies;
            return false;
        }
        Sent& sent = s->sent[seq % s->sent.size()];
        if (!sent.valid || sent.seq != seq || s->reply_count == replies_per_socket) {
            ++counters_.unmatched_replies;
            return false;
        }
        sent.valid = false; // a duplicate reply is not a second answer
        s->replies[(s->reply_head + s->reply_count) % replies_per_socket] =
            PingReply{from, ident, seq, ttl, data_bytes, now - sent.at};
        ++s->reply_count;
        return true;
    }

    [[nodiscard]] const IcmpCounters& counters() const noexcept { return counters_; }
    IcmpCounters& counters() noexcept { return counters_; }

private:
    struct Pending {
        Ipv4Address to{};
        std::uint16_t seq = 0;
        std::uint16_t data_bytes = 0;
    };
    struct Sent {
        std::uint16_t seq = 0;
        bool valid = false;
        Instant at{};
    };
    struct Socket {
        bool open = false;
        std::uint16_t ident = 0;
        std::array<Pending, pending_per_socket> pending{};
        std::size_t pending_count = 0;
        std::array<Sent, 64> sent{};
        std::array<PingReply, replies_per_socket> replies{};
        std::size_t reply_head = 0;
        std::size_t reply_count = 0;
    };
    [[nodiscard]] bool valid(SockId id) const noexcept {
        return id < sockets_.size() && sockets_[id].open;
    }
    Socket* find_ident(std::uint16_t ident, SockId except) noexcept {
        for (SockId i = 0; i < sockets_.size(); ++i)
            if (i != except && sockets_[i].open && sockets_[i].ident == ident) return &sockets_[i];
        return nullptr;
    }

    std::vector<Socket> sockets_;
    IcmpCounters counters_{};
};

template <>
struct engine_for<ICMP> {
    using type = IcmpEngine;
};
namespace detail {
template <>
inline constexpr bool is_builtin_engine<IcmpEngine> = true;
}

} // namespace strata::stack
