// Socket errors as values. The enumerators carry the platform's errno
// numbers (<cerrno>), so a socket call returns what the matching POSIX call
// would set errno to, and the packetdrill adapter and the TAP tools can hand
// them to C code unchanged. name() gives the symbol ("ECONNREFUSED") that the
// book's tables and the tools print.
#pragma once

#include <cerrno>
#include <cstdint>
#include <string_view>

namespace strata::stack {

enum class Errno : int {
    ok = 0,
    eagain = EAGAIN,   ///< would block: nothing to read, no room to write, no connection to accept
    ebadf = EBADF,     ///< not an open descriptor
    einval = EINVAL,   ///< an argument or the socket's state does not allow the call
    emfile = EMFILE,   ///< the descriptor table is full
    enobufs = ENOBUFS, ///< no memory for the socket's buffers or queue
    eaddrinuse = EADDRINUSE, ///< the local address and port are taken
    eaddrnotavail =
        EADDRNOTAVAIL, ///< the address is not one of the host's, or no ephemeral port is free
    econnrefused = ECONNREFUSED, ///< the peer answered with RST (TCP) or port unreachable (UDP)
    econnreset = ECONNRESET,     ///< the connection was reset by the peer
    econnaborted = ECONNABORTED, ///< the connection was aborted locally
    etimedout = ETIMEDOUT,       ///< retransmissions or keepalives gave up
    enotconn = ENOTCONN,         ///< the socket is not connected
    eisconn = EISCONN,           ///< the socket is already connected
    einprogress = EINPROGRESS,   ///< a non-blocking connect was started
    ealready = EALREADY,         ///< a connect is already under way
    epipe = EPIPE,               ///< writing after shutdown or close of the write side
    ehostunreach = EHOSTUNREACH, ///< no route, ARP gave up, or ICMP host unreachable
    enetunreach = ENETUNREACH,   ///< ICMP network unreachable
    emsgsize = EMSGSIZE,         ///< a datagram is larger than the socket can send
    eopnotsupp = EOPNOTSUPP,     ///< the operation does not apply to this socket type
    eprotonosupport = EPROTONOSUPPORT, ///< this host's stack does not speak the protocol
    eshutdown = ESHUTDOWN,             ///< the socket's write side was shut down
};

/// The errno symbol, as POSIX spells it ("ECONNREFUSED"); "OK" for ok.
constexpr std::string_view name(Errno e) noexcept {
    switch (e) {
    case Errno::ok:
        return "OK";
    case Errno::eagain:
        return "EAGAIN";
    case Errno::ebadf:
        return "EBADF";
    case Errno::einval:
        return "EINVAL";
    case Errno::emfile:
        return "EMFILE";
    case Errno::enobufs:
        return "ENOBUFS";
    case Errno::eaddrinuse:
        return "EADDRINUSE";
    case Errno::eaddrnotavail:
        return "EADDRNOTAVAIL";
    case Errno::econnrefused:
        return "ECONNREFUSED";
    case Errno::econnreset:
        return "ECONNRESET";
    case Errno::econnaborted:
        return "ECONNABORTED";
    case Errno::etimedout:
        return "ETIMEDOUT";
    case Errno::enotconn:
        return "ENOTCONN";
    case Errno::eisconn:
        return "EISCONN";
    case Errno::einprogress:
        return "EINPROGRESS";
    case Errno::ealready:
        return "EALREADY";
    case Errno::epipe:
        return "EPIPE";
    case Errno::ehostunreach:
        return "EHOSTUNREACH";
    case Errno::enetunreach:
        return "ENETUNREACH";
    case Errno::emsgsize:
        return "EMSGSIZE";
    case Errno::eopnotsupp:
        return "EOPNOTSUPP";
    case Errno::eprotonosupport:
        return "EPROTONOSUPPORT";
    case Errno::eshutdown:
        return "ESHUTDOWN";
    }
    return "E?";
}

/// A socket call's answer: a value, or the errno it failed with.
template <class T>
class [[nodiscard]] SysResult {
public:
    constexpr SysResult(T v) noexcept : value_(v) {}     // NOLINT: implicit on purpose
    constexpr SysResult(Errno e) noexcept : error_(e) {} // NOLINT

    [[nodiscard]] constexpr bool ok() const noexcept { return error_ == Errno::ok; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] constexpr Errno error() const noexcept { return error_; }
    /// Precondition: ok().
    [[nodiscard]] constexpr const T& value() const noexcept { return value_; }
    [[nodiscard]] constexpr const T& operator*() const noexcept { return value_; }

private:
    T value_{};
    Errno error_ = Errno::ok;
};

/// For calls that return nothing but success or an errno.
struct Done {
    friend constexpr bool operator==(Done, Done) = default;
};
using SysStatus = SysResult<Done>;

} // namespace strata::stack
