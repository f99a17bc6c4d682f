// Initial sequence numbers (RFC 6528 §3): ISN = M + F(localip, localport,
// remoteip, remoteport, secretkey), M a timer ticking every 4 microseconds
// and F a keyed hash, here SipHash-2-4 (Aumasson & Bernstein 2012, as Linux
// uses) with a 128-bit key drawn once from a RandomStream. For one 4-tuple
// the ISNs so grow with time (old duplicates of an earlier incarnation fall
// outside the new window, RFC 9293 §3.4.1); across 4-tuples they cannot be
// predicted without the key.
#pragma once

#include <cstddef>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/core/random.hpp>
#include <strata/core/seq_num.hpp>
#include <strata/core/time.hpp>
#include <strata/stack/endpoint.hpp>

namespace strata::stack::tcp {

/// SipHash-2-4 of `msg` under the key (k0, k1), where k0 and k1 are the key's
/// two halves read little-endian, as the reference implementation does.
[[nodiscard]] constexpr std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1,
                                                Bytes msg) noexcept {
    std::uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
    std::uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
    std::uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
    std::uint64_t v3 = k1 ^ 0x7465646279746573ULL;
    const auto rotl = [](std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
    const auto round = [&] {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    };
    const auto compress = [&](std::uint64_t m) {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    };
    const std::size_t whole = msg.size() / 8 * 8;
    for (std::size_t i = 0; i < whole; i += 8) {
        std::uint64_t m = 0;
        for (std::size_t j = 0; j < 8; ++j)
            m |= std::uint64_t{msg[i + j]} << (8 * j);
        compress(m);
    }
    // The last block: the remaining bytes little-endian, the length mod 256 on top.
    std::uint64_t b = std::uint64_t{msg.size() & 0xff} << 56;
    for (std::size_t j = 0; whole + j < msg.size(); ++j)
        b |= std::uint64_t{msg[whole + j]} << (8 * j);
    compress(b);
    v2 ^= 0xff;
    round();
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
}

namespace detail {
/// The 12 bytes a 4-tuple hashes as: local address, local port, remote
/// address, remote port, each in network order.
constexpr void tuple_bytes(const FourTuple& t, Byte* out) noexcept {
    t.local.addr.to_bytes(out);
    store_be16(out + 4, t.local.port.value());
    t.remote.addr.to_bytes(out + 6);
    store_be16(out + 10, t.remote.port.value());
}
} // namespace detail

class IsnGenerator {
public:
    /// Draws the 128-bit secret (RFC 6528 §3: one per boot; here one per generator).
    explicit IsnGenerator(RandomStream& rng) noexcept : k0_(rng.next()), k1_(rng.next()) {}

    [[nodiscard]] SeqNum isn(const FourTuple& t, Instant now) const noexcept {
        Byte msg[12]{};
        detail::tuple_bytes(t, msg);
        const auto f = static_cast<std::uint32_t>(siphash24(k0_, k1_, Bytes{msg, sizeof msg}));
        return SeqNum{f + ticks(now)};
    }

    /// The TSval offset of a connection (RFC 7323 §5.4): a keyed hash of the
    /// two addresses only, as Linux's secure_tcp_ts_off, so a new incarnation
    /// of a 4-tuple continues the old one's timestamp clock and passes PAWS
    /// in TIME-WAIT (RFC 6191 §2). The key's halves are swapped so that it
    /// is not the ISN's F.
    [[nodiscard]] std::uint32_t ts_offset(const FourTuple& t) const noexcept {
        Byte msg[8]{};
        t.local.addr.to_bytes(msg);
        t.remote.addr.to_bytes(msg + 4);
        return static_cast<std::uint32_t>(siphash24(k1_, k0_, Bytes{msg, sizeof msg}));
    }

    /// M of RFC 6528: the 4-microsecond clock of RFC 9293 §3.4.1, mod 2^32.
    [[nodiscard]] static constexpr std::uint32_t ticks(Instant now) noexcept {
        const std::int64_t ns = ns_since_start(now);
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(ns < 0 ? 0 : ns) / 4000);
    }

private:
    std::uint64_t k0_;
    std::uint64_t k1_;
};

} // namespace strata::stack::tcp
