// Fragmentation of a datagram the host sends (RFC 791 §3.2, RFC 1122
// §3.3.3): when it is longer than the MTU of the route (or the path MTU),
// it leaves as fragments carrying a multiple of 8 data bytes each; the first
// keeps every option, the others only those with the copied flag; MF is set
// on all but the last. A datagram with DF set is not fragmented: the caller
// gets an error value (a socket then sees EMSGSIZE, as Linux's UDP send
// with IP_PMTUDISC_DO does).
//
// The splitting itself is the router's (device/router/fragment.hpp): the
// same RFC 791 rules, already tested there; this adds the host's DF and
// "fits already" cases and lends the caller's buffer as MutBytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <strata/core/bytes.hpp>
#include <strata/device/router/fragment.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::stack {

enum class FragmentStatus : std::uint8_t {
    ok,            ///< emitted (one datagram or its fragments)
    dont_fragment, ///< longer than the MTU with DF set: nothing emitted (EMSGSIZE)
    mtu_too_small, ///< the MTU cannot hold the header and 8 data bytes: nothing emitted
};

struct FragmentResult {
    FragmentStatus status = FragmentStatus::ok;
    std::size_t count = 0; ///< datagrams emitted
    friend constexpr bool operator==(const FragmentResult&, const FragmentResult&) = default;
};

/// Sends `ip` (a whole datagram: header with total length, identification
/// and checksum set, as checked() accepts it) through links of `mtu` bytes.
/// For each datagram to send, in order, calls emit(std::size_t length, fill)
/// where fill(MutBytes to) writes the `length` bytes (IPv4 header with its
/// checksum, then data) at the start of `to` (precondition: to.size() >=
/// length). emit typically is
///   [&](std::size_t len, auto&& fill) {
///       out.send(port, 14 + len, [&](MutBytes b) -> std::size_t {
///           if (b.size() < 14 + len) return 0;
///           /* Ethernet header */ fill(b.subspan(14)); return 14 + len; }); }
/// A datagram that fits is emitted once, unchanged. Nothing allocates.
template <class Emit>
FragmentResult fragment(Ipv4View<const Byte> ip, std::size_t mtu, Emit&& emit) {
    const std::size_t total = ip.total_len();
    const Bytes whole = ip.bytes().first(total < ip.bytes().size() ? total : ip.bytes().size());
    if (whole.size() <= mtu) {
        emit(whole.size(), [&](MutBytes to) { copy_bytes(whole, to.data()); });
        return {FragmentStatus::ok, 1};
    }
    if (ip.dont_frag()) return {FragmentStatus::dont_fragment, 0};
    // router::fragment takes a writable view but only reads it (header and
    // data are copied out); the const_cast never leads to a write.
    const auto view = Ipv4View<Byte>::unchecked(
        MutBytes(const_cast<Byte*>(whole.data()), whole.size())); // NOLINT
    const std::size_t n = router::fragment(view, mtu, [&](std::size_t len, auto&& fill) {
        emit(len, [&](MutBytes to) { fill(to.data()); });
    });
    if (n == 0) return {FragmentStatus::mtu_too_small, 0};
    return {FragmentStatus::ok, n};
}

/// How many fragments fragment() would emit for a datagram of
/// `header_len` + `data_len` bytes whose later fragments carry
/// `later_header_len` header bytes (20 plus the copied options), at `mtu`;
/// 0 when the MTU is too small. For sizing and for tests.
[[nodiscard]] constexpr std::size_t fragment_count(std::size_t header_len,
                                                   std::size_t later_header_len,
                                                   std::size_t data_len, std::size_t mtu) noexcept {
    if (header_len + data_len <= mtu) return 1;
    if (mtu < header_len + 8 || mtu < later_header_len + 8) return 0;
    const std::size_t first = (mtu - header_len) & ~std::size_t{7};
    if (data_len <= first) return 1;
    const std::size_t later = (mtu - later_header_len) & ~std::size_t{7};
    return 1 + (data_len - first + later - 1) / later;
}

} // namespace strata::stack
