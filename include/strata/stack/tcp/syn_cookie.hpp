// SYN cookies (RFC 4987 §3.6), laid out as Linux lays them out: when the SYN
// queue is full the listener keeps no state, but encodes in its ISN what it
// needs to rebuild the connection from the ACK of its SYN-ACK:
//   cookie = H1(4-tuple) + (t << 24) + ((H2(4-tuple, t) + mss_index) mod 2^24)
// where t counts 64-second periods of `now` and H1, H2 are SipHash-2-4 under
// two secret keys. The ACK acknowledges cookie + 1; a cookie from the current
// or the previous period, for the same 4-tuple, gives back the MSS.
// (Linux also mixes in the client's ISN; the spec's interface does not pass it.)
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <strata/core/bytes.hpp>
#include <strata/core/random.hpp>
#include <strata/core/seq_num.hpp>
#include <strata/core/time.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/tcp/isn.hpp>

namespace strata::stack::tcp {

class SynCookies {
public:
    /// The MSS values a cookie can carry (two bits), as Linux's msstab.
    static constexpr std::array<std::uint16_t, 4> mss_table{536, 1300, 1440, 1460};
    /// Length of a period of t.
    static constexpr std::int64_t period_ns = 64'000'000'000;

    explicit SynCookies(RandomStream& rng) noexcept
        : k_{rng.next(), rng.next(), rng.next(), rng.next()} {}

    /// The ISN for a SYN-ACK answering a SYN from t.remote with MSS option
    /// `peer_mss` (the largest table value not above it; 536 when smaller).
    [[nodiscard]] SeqNum make(const FourTuple& t, std::uint16_t peer_mss,
                              Instant now) const noexcept {
        std::uint32_t idx = 0;
        for (std::uint32_t i = 0; i < mss_table.size(); ++i)
            if (mss_table[i] <= peer_mss) idx = i;
        const std::uint32_t count = period(now);
        return SeqNum{h1(t) + (count << 24) + ((h2(t, count) + idx) & 0xFFFFFF)};
    }

    /// `cookie` is the ACK's acknowledgment number minus one. The MSS the
    /// cookie carries, or nullopt when it was not made for this 4-tuple in
    /// this period or the one before.
    [[nodiscard]] std::optional<std::uint16_t> check(const FourTuple& t, SeqNum cookie,
                                                     Instant now) const noexcept {
        const std::uint32_t c = cookie.value() - h1(t);
        const std::uint32_t now_count = period(now);
        const std::uint32_t age = (now_count - (c >> 24)) & 0xFF;
        if (age > 1) return std::nullopt;
        const std::uint32_t count = now_count - age;
        const std::uint32_t idx = (c - h2(t, count)) & 0xFFFFFF;
        if (idx >= mss_table.size()) return std::nullopt;
        return mss_table[idx];
    }

    [[nodiscard]] static constexpr std::uint32_t period(Instant now) noexcept {
        const std::int64_t ns = ns_since_start(now);
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(ns < 0 ? 0 : ns) /
                                          static_cast<std::uint64_t>(period_ns));
    }

private:
    [[nodiscard]] std::uint32_t h1(const FourTuple& t) const noexcept {
        Byte msg[12]{};
        detail::tuple_bytes(t, msg);
        return static_cast<std::uint32_t>(siphash24(k_[0], k_[1], Bytes{msg, sizeof msg}));
    }
    [[nodiscard]] std::uint32_t h2(const FourTuple& t, std::uint32_t count) const noexcept {
        Byte msg[16]{};
        detail::tuple_bytes(t, msg);
        store_be32(msg + 12, count);
        return static_cast<std::uint32_t>(siphash24(k_[2], k_[3], Bytes{msg, sizeof msg}));
    }

    std::array<std::uint64_t, 4> k_;
};

/// The options a cookie SYN-ACK hides in its TSval when the SYN had
/// timestamps (Linux cookie_init_timestamp): the low 4 bits the peer's
/// window scale (0xF: none), bit 4 SACK-permitted; the rest is our clock
/// with those 6 bits cleared, stepped back 64 ms if that went ahead of it.
struct CookieOptions {
    std::optional<std::uint8_t> peer_wscale{};
    bool sack = false;
};

[[nodiscard]] constexpr std::uint32_t cookie_tsval(std::uint32_t clock, CookieOptions o) noexcept {
    const std::uint32_t bits =
        (o.peer_wscale ? std::uint32_t{*o.peer_wscale} & 0xFu : 0xFu) | (o.sack ? 0x10u : 0u);
    std::uint32_t ts = (clock & ~0x3Fu) | bits;
    if (static_cast<std::int32_t>(ts - clock) > 0) ts -= 64;
    return ts;
}

/// Reads them back from the TSecr of the ACK; nullopt for an invalid
/// shift (above 14: not one we encoded, Linux cookie_timestamp_decode).
[[nodiscard]] constexpr std::optional<CookieOptions> cookie_options(std::uint32_t tsecr) noexcept {
    CookieOptions o;
    const std::uint32_t ws = tsecr & 0xFu;
    if (ws != 0xF) {
        if (ws > 14) return std::nullopt;
        o.peer_wscale = static_cast<std::uint8_t>(ws);
    }
    o.sack = (tsecr & 0x10u) != 0;
    return o;
}

} // namespace strata::stack::tcp
