// What a Napt counts, and how a private endpoint appears outside (the
// answer of Napt::public_endpoint).
#pragma once

#include <cstdint>

#include <strata/addr/ipv4_address.hpp>

namespace strata::nat {

struct NaptCounters {
    std::uint64_t mappings_created = 0;
    std::uint64_t mappings_expired = 0;
    std::uint64_t translated_out = 0; ///< sources rewritten (outbound, hairpin, errors out)
    std::uint64_t translated_in = 0;  ///< destinations rewritten (replies, forwards, errors in)
    std::uint64_t icmp_errors_translated = 0;  ///< of which ICMP errors (either way)
    std::uint64_t dropped_no_mapping = 0;      ///< unsolicited inbound (Verdict::no_mapping)
    std::uint64_t dropped_ports_exhausted = 0; ///< no free public port (Verdict::ports_exhausted)
    std::uint64_t dropped_table_full = 0;      ///< capacity reached (Verdict::ports_exhausted)
    std::uint64_t fragments_translated = 0;    ///< later fragments rewritten (also in translated_*)
    /// Later fragments whose first fragment was not seen: out of order, or
    /// too long ago (Verdict::no_mapping).
    std::uint64_t dropped_fragments = 0;
    std::uint64_t dropped_malformed = 0; ///< transport header too short (Verdict::no_mapping)
};

/// Where a private endpoint appears outside.
struct PublicEndpoint {
    Ipv4Address address{};
    std::uint16_t port = 0;
    friend constexpr bool operator==(const PublicEndpoint&, const PublicEndpoint&) = default;
};

} // namespace strata::nat
