// What a Router asks of its NAT policy (DESIGN.md §5). The router calls
// prerouting() on every IPv4 packet it is about to route (before the route
// lookup: a reply to a mapping or a static forward gets its private
// destination there), and postrouting() once the egress port is known (a
// packet from inside that leaves by the outside port, or hairpins, gets its
// public source there). Both rewrite the packet in place, checksums fixed
// incrementally (RFC 1624), and return what happened. Packets the router
// originates (ICMP errors) go through postrouting() too, which is how an ICMP
// error about a translated packet gets its quoted header translated back
// (RFC 5508 §4.2).
#pragma once

#include <concepts>
#include <cstdint>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/port.hpp>
#include <strata/node/recording_out.hpp>

namespace strata::nat {

enum class Verdict : std::uint8_t {
    pass,            ///< not the NAT's business: untouched
    translated,      ///< rewritten in place
    no_mapping,      ///< inbound to the public address, no mapping: drop (counted)
    ports_exhausted, ///< a new mapping was needed and no public port was free: drop
};

/// Carried from prerouting() to postrouting() of the same packet.
struct Context {
    bool destination_translated = false; ///< prerouting rewrote the destination (reply or forward)
    std::uint32_t entry = ~0u; ///< the mapping used, when the policy wants to find it again
};

struct Outcome {
    Verdict verdict = Verdict::pass;
    Context context{};
};

/// The requirements on a Router's Nat parameter.
/// - enabled: false only for nat::None, whose calls the router does not make.
/// - prerouting(ingress, ip_packet, now, out) -> Outcome
/// - postrouting(ingress, egress, ip_packet, context, now, out) -> Verdict
///   (ip_packet: the IPv4 header onwards; out: for trace events only)
/// - poll(now, out) / poll_at(): mapping expiry.
template <class N, class Out = RecordingOut>
concept Policy = requires(N& nat, const N& cnat, PortId port, MutBytes packet, Instant now,
                          Out& out, const Context& context) {
    { N::enabled } -> std::convertible_to<bool>;
    { nat.prerouting(port, packet, now, out) } -> std::same_as<Outcome>;
    { nat.postrouting(port, port, packet, context, now, out) } -> std::same_as<Verdict>;
    nat.poll(now, out);
    { cnat.poll_at() } -> std::same_as<Instant>;
};

} // namespace strata::nat
