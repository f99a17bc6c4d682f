// A node's ports and what each can do. The runtime attaches a port to a link
// (simulator) or to a TAP device (io/); the node only sees the port's number
// and capabilities (DESIGN.md §4, smoltcp's DeviceCapabilities).
#pragma once

#include <cstdint>

namespace strata {

/// A port of a node, numbered from 0 in the order the node declares them.
/// (The topology file numbers switch and hub ports from 1; the loader maps.)
enum class PortId : std::uint16_t {};

[[nodiscard]] constexpr std::uint16_t to_index(PortId p) noexcept {
    return static_cast<std::uint16_t>(p);
}

/// Who checks or fills one checksum. Software does both unless the "hardware"
/// behind the port says it does: a TAP with offload, or a simulator that
/// trusts its own nodes. (smoltcp's ChecksumCapabilities.)
struct ChecksumOffload {
    bool verifies_rx = false; ///< frames arrive already verified: skip the check
    bool fills_tx = false;    ///< the port fills it on the way out: leave it zero
    friend constexpr bool operator==(const ChecksumOffload&, const ChecksumOffload&) = default;
};

struct PortCaps {
    /// Largest IP packet (Ethernet payload) the port carries, RFC 894.
    std::uint32_t mtu = 1500;
    ChecksumOffload ipv4{};
    ChecksumOffload tcp{};
    ChecksumOffload udp{};
    ChecksumOffload icmp{};
    friend constexpr bool operator==(const PortCaps&, const PortCaps&) = default;
};

} // namespace strata
