// Why a frame went no further. Every drop has a reason, counted where it
// happens (per node and port) and named in the summary and the trace with the
// names below (../shared/topology-schema.md).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace strata {

enum class DropReason : std::uint8_t {
    bad_fcs,              ///< the frame check sequence failed (a corrupted frame)
    not_for_me,           ///< destination MAC is neither this port's nor broadcast
    malformed,            ///< a header did not parse (too short, bad length, bad version)
    bad_checksum,         ///< the IPv4 header checksum did not verify
    same_port,            ///< a switch's destination is the ingress port itself
    no_route,             ///< no route matched the destination
    ttl_expired,          ///< TTL reached 0 in forwarding
    fragmentation_needed, ///< too big for the egress MTU with DF set
    arp_unresolved,       ///< the next hop did not answer ARP
    arp_queue_full,       ///< too many frames were already waiting for that next hop
    filter,               ///< a filter rule dropped or rejected it
    nat_no_mapping,       ///< inbound to the public address with no mapping (unsolicited)
    nat_ports_exhausted,  ///< no public port was free for a new mapping
    queue_full,           ///< the egress queue was full (drop-tail)
    too_big,              ///< longer than the link's MTU allows
    unsupported,          ///< well-formed but not handled (an EtherType, an IP version)
    link_down,            ///< the port has no link attached
    lost,                 ///< a simulated link lost it in transit (seeded loss)
};

inline constexpr std::size_t drop_reason_count = 18;

constexpr std::string_view to_string(DropReason r) noexcept {
    switch (r) {
    case DropReason::bad_fcs:
        return "bad_fcs";
    case DropReason::not_for_me:
        return "not_for_me";
    case DropReason::malformed:
        return "malformed";
    case DropReason::bad_checksum:
        return "bad_checksum";
    case DropReason::same_port:
        return "same_port";
    case DropReason::no_route:
        return "no_route";
    case DropReason::ttl_expired:
        return "ttl_expired";
    case DropReason::fragmentation_needed:
        return "fragmentation_needed";
    case DropReason::arp_unresolved:
        return "arp_unresolved";
    case DropReason::arp_queue_full:
        return "arp_queue_full";
    case DropReason::filter:
        return "filter";
    case DropReason::nat_no_mapping:
        return "nat_no_mapping";
    case DropReason::nat_ports_exhausted:
        return "nat_ports_exhausted";
    case DropReason::queue_full:
        return "queue_full";
    case DropReason::too_big:
        return "too_big";
    case DropReason::unsupported:
        return "unsupported";
    case DropReason::link_down:
        return "link_down";
    case DropReason::lost:
        return "lost";
    }
    return "unknown";
}

/// Drops of one node (or one port), by reason.
class DropCounts {
public:
    constexpr void count(DropReason r, std::uint64_t n = 1) noexcept {
        counts_[static_cast<std::size_t>(r)] += n;
    }
    [[nodiscard]] constexpr std::uint64_t operator[](DropReason r) const noexcept {
        return counts_[static_cast<std::size_t>(r)];
    }
    [[nodiscard]] constexpr std::uint64_t total() const noexcept {
        std::uint64_t t = 0;
        for (const auto c : counts_)
            t += c;
        return t;
    }
    /// Calls f(reason, count) for every reason counted at least once.
    template <class F>
    constexpr void for_each(F&& f) const {
        for (std::size_t i = 0; i < drop_reason_count; ++i) {
            if (counts_[i] != 0) f(static_cast<DropReason>(i), counts_[i]);
        }
    }

private:
    std::array<std::uint64_t, drop_reason_count> counts_{};
};

} // namespace strata
