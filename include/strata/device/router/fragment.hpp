// Fragmentation of a forwarded datagram for a smaller egress MTU (RFC 791
// §3.2 "Fragmentation", RFC 1812 §5.2.6). Each fragment carries as much data
// as the MTU allows in a multiple of 8 bytes; the first keeps every option,
// the others only those with the copied flag; MF is set on all but the
// last, and the last keeps the original's MF, so that fragmenting a
// fragment keeps the offsets and the end of the datagram right.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <strata/core/bytes.hpp>
#include <strata/device/router/ip_options.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::router {

/// Calls emit(length, fill) once per fragment of `ip` (a whole datagram,
/// DF clear, longer than `mtu`), in order; fill(Byte* to) writes the
/// fragment's `length` bytes (header with its checksum, then data). Returns
/// the number of fragments, 0 when the MTU cannot hold a header and 8 bytes
/// of data (an MTU of at least 68 always can, RFC 791 §3.2).
template <class Emit>
std::size_t fragment(const Ipv4View<Byte>& ip, std::size_t mtu, Emit&& emit) {
    const std::size_t hl = ip.header_len();
    const Bytes data = Bytes(ip.payload());
    std::array<Byte, ipv4_max_header_len> later_header{};
    std::memcpy(later_header.data(), ip.bytes().data(), 20);
    const std::size_t later_hl = 20 + copied_options(ip, later_header.data() + 20);
    if (mtu < hl + 8 || mtu < later_hl + 8) return 0;

    const std::uint32_t base = ip.frag_offset();
    const bool last_mf = ip.more_frags();
    std::size_t offset = 0, count = 0;
    while (offset < data.size()) {
        const bool first = offset == 0;
        const std::size_t h = first ? hl : later_hl;
        std::size_t n = (mtu - h) & ~std::size_t{7};
        const bool last = offset + n >= data.size();
        if (last) n = data.size() - offset;
        const Byte* header = first ? ip.bytes().data() : later_header.data();
        const std::size_t at = offset;
        emit(h + n, [&](Byte* to) {
            std::memcpy(to, header, h);
            std::memcpy(to + h, data.data() + at, n);
            const auto f = Ipv4View<Byte>::unchecked(MutBytes(to, h + n));
            f.set_header_len(h);
            f.set_total_len(static_cast<std::uint16_t>(h + n));
            f.set_more_frags(last ? last_mf : true);
            f.set_frag_offset(base + static_cast<std::uint32_t>(at));
            f.fill_checksum();
        });
        offset += n;
        ++count;
    }
    return count;
}

} // namespace strata::router
