// The descriptor table: small integers naming sockets, as in POSIX, each
// pointing at the engine object behind it (a UDP socket, a TCP listener or
// connection, a ping socket) with the owner label the application gave. It
// also prints the book's socket table: local address and port, peer address
// and port, state, owner — one row per socket, the 4-tuple that picks the
// socket for each arriving segment.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>

namespace strata::stack {

/// What socket() makes: SOCK_STREAM/TCP, SOCK_DGRAM/UDP, or a ping socket
/// (SOCK_DGRAM/IPPROTO_ICMP on Linux).
enum class SocketKind : std::uint8_t { tcp, udp, icmp };

constexpr std::string_view name(SocketKind k) noexcept {
    switch (k) {
    case SocketKind::tcp:
        return "tcp";
    case SocketKind::udp:
        return "udp";
    case SocketKind::icmp:
        return "icmp";
    }
    return "?";
}

/// Descriptors start at 3, as a process's first socket does (0-2 are stdio).
inline constexpr int first_descriptor = 3;

/// One descriptor's entry.
struct SocketSlot {
    bool open = false;
    SocketKind kind{};
    bool has_handle = false; ///< the engine object exists (TCP: after listen/connect/accept)
    bool listening = false;  ///< TCP: handle is a listener
    std::uint32_t handle = 0;
    Endpoint bound{}; ///< TCP before listen/connect: what bind() asked for
    bool is_bound = false;
    std::array<char, 24> owner{}; ///< NUL-terminated label, cut to fit

    [[nodiscard]] std::string_view owner_name() const noexcept {
        return std::string_view(owner.data());
    }
    void set_owner(std::string_view s) noexcept {
        const std::size_t n = std::min(s.size(), owner.size() - 1);
        std::copy_n(s.data(), n, owner.data());
        owner[n] = '\0';
    }
};

class DescriptorTable {
public:
    explicit DescriptorTable(std::size_t max = 1024) : max_(max) { slots_.reserve(max); }

    /// The lowest free descriptor (POSIX), or EMFILE.
    SysResult<int> open(SocketKind k, std::string_view owner) {
        std::size_t i = 0;
        while (i < slots_.size() && slots_[i].open)
            ++i;
        if (i == max_) return Errno::emfile;
        if (i == slots_.size()) slots_.emplace_back();
        SocketSlot& s = slots_[i];
        s = SocketSlot{};
        s.open = true;
        s.kind = k;
        s.set_owner(owner);
        return static_cast<int>(i) + first_descriptor;
    }
    [[nodiscard]] SocketSlot* get(int fd) noexcept {
        if (fd < first_descriptor) return nullptr;
        const auto i = static_cast<std::size_t>(fd - first_descriptor);
        return i < slots_.size() && slots_[i].open ? &slots_[i] : nullptr;
    }
    [[nodiscard]] const SocketSlot* get(int fd) const noexcept {
        return const_cast<DescriptorTable*>(this)->get(fd);
    }
    void close(int fd) noexcept {
        if (SocketSlot* s = get(fd)) s->open = false;
    }
    /// f(fd, slot) for every open descriptor, in descriptor order.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].open) f(static_cast<int>(i) + first_descriptor, slots_[i]);
    }

private:
    std::size_t max_;
    std::vector<SocketSlot> slots_;
};

/// One row of the printed table.
struct SocketRow {
    int fd = -1;
    SocketKind kind{};
    Endpoint local{};
    Endpoint peer{};        ///< 0.0.0.0:0 when none
    std::string_view state; ///< TCP: RFC 9293 state name (netstat spelling); UDP: "" or "CONNECTED"
    std::string_view owner;
    friend bool operator==(const SocketRow&, const SocketRow&) = default;
};

/// The table as text, one line per socket under a header:
///
///   fd  proto  local IP     local port  peer IP      peer port  state        owner
///   3   tcp    10.0.0.2     80          0.0.0.0      *          LISTEN       web
///
/// A peer of 0.0.0.0:0 prints as "0.0.0.0" and "*" (netstat's spelling).
inline std::string format_socket_table(const std::vector<SocketRow>& rows) {
    const auto pad = [](std::string s, std::size_t w) {
        if (s.size() < w) s.append(w - s.size(), ' ');
        return s;
    };
    const auto port = [](Port p) {
        return p.value() == 0 ? std::string("*") : std::to_string(p.value());
    };
    std::string out = pad("fd", 4) + pad("proto", 7) + pad("local IP", 17) + pad("local port", 12) +
                      pad("peer IP", 17) + pad("peer port", 11) + pad("state", 13) + "owner\n";
    for (const SocketRow& r : rows) {
        std::string line = pad(std::to_string(r.fd), 4) + pad(std::string(name(r.kind)), 7) +
                           pad(to_string(r.local.addr), 17) + pad(port(r.local.port), 12) +
                           pad(to_string(r.peer.addr), 17) + pad(port(r.peer.port), 11) +
                           pad(std::string(r.state.empty() ? "-" : r.state), 13) +
                           std::string(r.owner);
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line;
        out += '\n';
    }
    return out;
}

} // namespace strata::stack
