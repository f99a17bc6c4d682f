// Small nodes built on the contract, for the simulator's tests, and a frame
// builder. Devices (Switch, Router) are tested elsewhere.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/layer/encode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/udp.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/out.hpp>
#include <strata/node/port.hpp>

namespace simtest {

using namespace strata;

/// An Ethernet/IPv4/UDP frame of exactly `size` bytes (>= 42), whose UDP
/// payload starts with `seq` (big-endian, 4 bytes) and is otherwise 0xAB.
inline std::vector<Byte> udp_frame(std::size_t size, std::uint32_t seq = 0,
                                   std::uint16_t dst_port = 9) {
    std::vector<Byte> payload(size - 42, Byte{0xAB});
    for (std::size_t i = 0; i < 4 && i < payload.size(); ++i)
        payload[i] = static_cast<Byte>(seq >> (24 - 8 * i));
    const EthernetRepr eth{.dst = MacAddress{2, 0, 0, 0, 0, 2},
                           .src = MacAddress{2, 0, 0, 0, 0, 1}};
    const Ipv4Repr ip{.src = Ipv4Address{10, 0, 0, 1}, .dst = Ipv4Address{10, 0, 0, 2}};
    UdpRepr udp;
    udp.src_port = Port{40000};
    udp.dst_port = Port{dst_port};
    std::vector<Byte> buf(size);
    auto r = encode<Ethernet<IPv4<UDP<>>>>(MutBytes(buf), eth, ip, udp, Bytes(payload));
    if (!r || r->size() != size) buf.clear();
    return buf;
}

/// The 4-byte sequence number udp_frame put at offset 42.
inline std::uint32_t seq_of(Bytes frame) {
    return static_cast<std::uint32_t>(frame[42]) << 24 |
           static_cast<std::uint32_t>(frame[43]) << 16 |
           static_cast<std::uint32_t>(frame[44]) << 8 | frame[45];
}

/// Sends every frame back out of the port it came in on.
struct Echo {
    std::size_t ports = 1;
    std::uint64_t echoed = 0;
    DropCounts drop_counts{};

    [[nodiscard]] std::size_t port_count() const noexcept { return ports; }
    template <FrameOut O>
    void receive(PortId port, MutBytes frame, Instant, O& out) {
        if (out.send(port, frame.size(), [&](MutBytes b) {
                std::memcpy(b.data(), frame.data(), frame.size());
                return frame.size();
            }))
            ++echoed;
    }
    template <FrameOut O>
    void poll(Instant, O&) {}
    [[nodiscard]] Instant poll_at() const noexcept { return never; }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drop_counts; }
};

/// Two ports: what comes in on one goes out of the other, as is.
struct Bridge {
    DropCounts drop_counts{};

    [[nodiscard]] std::size_t port_count() const noexcept { return 2; }
    template <FrameOut O>
    void receive(PortId port, MutBytes frame, Instant, O& out) {
        const PortId other{static_cast<std::uint16_t>(1 - to_index(port))};
        out.send(other, frame.size(), [&](MutBytes b) {
            std::memcpy(b.data(), frame.data(), frame.size());
            return frame.size();
        });
    }
    template <FrameOut O>
    void poll(Instant, O&) {}
    [[nodiscard]] Instant poll_at() const noexcept { return never; }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drop_counts; }
};

/// A timer: polls every `period` from `first`, `ticks` times, sending one
/// 60-byte frame each time; remembers when it was polled.
struct Ticker {
    Instant next = at_ns(0);
    Duration period{1000};
    int ticks = 3;
    std::vector<Instant> polled;
    DropCounts drop_counts{};

    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }
    template <FrameOut O>
    void receive(PortId, MutBytes, Instant, O&) {}
    template <FrameOut O>
    void poll(Instant now, O& out) {
        polled.push_back(now);
        if (now < next || ticks == 0) return; // a poll before the timer is due does nothing
        --ticks;
        next = now + period;
        out.send(PortId{0}, 60, [](MutBytes b) {
            std::memset(b.data(), 0, 60);
            return std::size_t{60};
        });
    }
    [[nodiscard]] Instant poll_at() const noexcept { return ticks > 0 ? next : never; }
    [[nodiscard]] const DropCounts& drops() const noexcept { return drop_counts; }
};

} // namespace simtest
