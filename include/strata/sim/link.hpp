// A simulated link: full duplex, point to point, between two node ports (end
// a and end b). Each direction has its own transmitter, queue, counters and
// seeded impairments. What the model does, step by step, for one frame sent
// from a to b at instant `now` (b to a is the same with its own settings):
//
// 1. Too big: a frame longer than mtu + 14 bytes (Ethernet header, no FCS,
//    no 802.1Q tag) is dropped `too_big` at the sending port.
// 2. Queue: the transmitter sends one frame at a time, back to back. If it is
//    busy, the frame waits; at most `queue_frames` frames wait (the one on the
//    wire does not count). One more is dropped `queue_full` (drop-tail) at the
//    sending port.
// 3. Serialization: the frame starts when the transmitter is free and takes
//    ceil(8 * length * 1e9 / rate) ns (length = the Ethernet frame without
//    FCS; preamble, FCS and inter-frame gap are not modelled, as in ns-3's
//    PointToPointNetDevice). Rate 0 means unlimited: 0 ns.
//    The pcap tap sees the frame at the instant serialization starts, with
//    the bytes the sending end wrote.
// 4. Impairments, drawn from the direction's own stream
//    RandomStream::derive(run_seed, "<link name>:a>b") (":b>a" the other way),
//    in this order, each with its own probability:
//    - loss: the frame never arrives (it still occupied the wire);
//    - duplicate: a second, intact copy arrives at the same instant, just
//      after the first;
//    - reorder: the frame is held back by `reorder_delay` on top of its
//      normal arrival time, so frames sent within that time overtake it
//      (netem's "delay + reorder" in a simpler, deterministic form);
//    - corrupt: one bit, chosen uniformly over the frame, is flipped in the
//      delivered copy. The receiving port then drops it as `bad_fcs`: the
//      Ethernet FCS is CRC-32 (IEEE 802.3 §3.2.9), which detects every
//      single-bit error, so checking a flag set by the link is equivalent to
//      computing the CRC at both ends, and much cheaper.
//    A lost frame draws nothing else.
// 5. Arrival: serialization end + `delay` (+ `reorder_delay`).
#pragma once

#include <chrono>
#include <cstdint>

#include <strata/core/time.hpp>
#include <strata/node/port.hpp>

namespace strata::sim {

/// Which way a frame travels on a link.
enum class Direction : std::uint8_t { a_to_b = 0, b_to_a = 1 };

/// A link's identity in its Network: 0, 1, … in the order of connect().
enum class LinkId : std::uint32_t {};

[[nodiscard]] constexpr std::uint32_t to_index(LinkId l) noexcept {
    return static_cast<std::uint32_t>(l);
}

/// Per-frame probabilities of one direction, each in [0, 1].
struct Impairments {
    double loss = 0.0;
    double duplicate = 0.0;
    double reorder = 0.0;
    double corrupt = 0.0;
    friend constexpr bool operator==(const Impairments&, const Impairments&) = default;
};

struct LinkConfig {
    std::uint64_t rate_a_to_b_bps = 0; ///< bit/s from a to b; 0 = unlimited
    std::uint64_t rate_b_to_a_bps = 0; ///< bit/s from b to a; 0 = unlimited
    Duration delay{0};                 ///< propagation delay, both directions
    std::uint32_t mtu = 1500;          ///< largest Ethernet payload (IP packet)
    std::uint32_t queue_frames = 100;  ///< frames that may wait per direction
    Impairments a_to_b{};
    Impairments b_to_a{};
    Duration reorder_delay = std::chrono::milliseconds(1); ///< hold-back of a reordered frame

    /// The same rate both ways.
    [[nodiscard]] static constexpr LinkConfig symmetric(std::uint64_t rate_bps, Duration delay,
                                                        std::uint32_t mtu = 1500) noexcept {
        LinkConfig c;
        c.rate_a_to_b_bps = rate_bps;
        c.rate_b_to_a_bps = rate_bps;
        c.delay = delay;
        c.mtu = mtu;
        return c;
    }
};

/// What happened to the frames of one direction. sent counts frames that
/// left the sending end (after the too_big and queue_full checks);
/// delivered counts copies that reached the receiving port, corrupted ones
/// included (its FCS check drops those), so once nothing is in flight:
/// frames_delivered == frames_sent - lost + duplicated.
struct LinkCounters {
    std::uint64_t frames_sent = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t frames_delivered = 0;
    std::uint64_t bytes_delivered = 0;
    std::uint64_t lost = 0;
    std::uint64_t duplicated = 0;
    std::uint64_t reordered = 0;
    std::uint64_t corrupted = 0;
    std::uint64_t queue_full = 0;
    std::uint64_t too_big = 0;
    friend constexpr bool operator==(const LinkCounters&, const LinkCounters&) = default;
};

/// Nanoseconds to serialize `bytes` at `rate_bps` (0 = unlimited), rounded up.
[[nodiscard]] constexpr std::int64_t serialization_ns(std::uint64_t bytes,
                                                      std::uint64_t rate_bps) noexcept {
    if (rate_bps == 0) return 0;
    const std::uint64_t bits = bytes * 8;
    return static_cast<std::int64_t>((bits * 1'000'000'000ULL + rate_bps - 1) / rate_bps);
}

} // namespace strata::sim
