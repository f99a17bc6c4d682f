// DNS over TCP: each message is preceded by a two-byte big-endian length
// (RFC 1035 §4.2.2, RFC 7766 §8). Framing writes the prefix; de-framing
// finds one message at the front of a stream buffer and says how much of the
// buffer it used, so a reader can loop over several pipelined messages.
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>

namespace strata::dns {

inline constexpr std::size_t tcp_prefix_len = 2;

/// Writes the length prefix for a `message_len`-byte message into out[0..2).
/// Errors: ("buffer", buffer_too_small), ("tcp_length", too_big) past 65535.
constexpr Result<void> write_tcp_prefix(MutBytes out, std::size_t message_len) noexcept {
    if (out.size() < tcp_prefix_len)
        return Error::at(dns_field::buffer, 0, Errc::buffer_too_small, tcp_prefix_len, out.size());
    if (message_len > 0xffff)
        return Error::at(dns_field::tcp_length, 0, Errc::too_big, message_len, 0xffff);
    store_be16(out.data(), static_cast<std::uint16_t>(message_len));
    return {};
}

/// Copies `message` after a length prefix into `out`; returns the bytes used.
/// Errors: as write_tcp_prefix, and ("buffer", buffer_too_small) when `out`
/// cannot hold prefix and message. `out` and `message` must not overlap (to
/// frame in place, build the message at out.subspan(2) and call
/// write_tcp_prefix).
constexpr Result<std::size_t> tcp_frame(MutBytes out, Bytes message) noexcept {
    STRATA_TRY_VOID(write_tcp_prefix(out, message.size()));
    if (out.size() - tcp_prefix_len < message.size())
        return Error::at(dns_field::buffer, 0, Errc::buffer_too_small,
                         tcp_prefix_len + message.size(), out.size());
    for (std::size_t i = 0; i < message.size(); ++i)
        out[tcp_prefix_len + i] = message[i];
    return tcp_prefix_len + message.size();
}

/// One message found at the front of a TCP stream buffer.
struct TcpFrame {
    Bytes message;        ///< the DNS message, without the prefix
    std::size_t consumed; ///< prefix + message: where the next frame starts
};

/// Finds the first framed message in `stream`. Errors: ("tcp_length",
/// truncated) when the buffer ends inside the prefix or the message, with
/// `expected` the total bytes needed (read more and call again).
constexpr Result<TcpFrame> tcp_deframe(Bytes stream) noexcept {
    if (stream.size() < tcp_prefix_len)
        return Error::at(dns_field::tcp_length, 0, Errc::truncated, stream.size(), tcp_prefix_len);
    const std::size_t len = load_be16(stream.data());
    if (stream.size() - tcp_prefix_len < len)
        return Error::at(dns_field::tcp_length, 0, Errc::truncated, stream.size(),
                         tcp_prefix_len + len);
    return TcpFrame{stream.subspan(tcp_prefix_len, len), tcp_prefix_len + len};
}

} // namespace strata::dns
