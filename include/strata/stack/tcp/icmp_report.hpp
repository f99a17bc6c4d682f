// An ICMP error the host matched to a TCP connection (RFC 1122 §4.2.3.9,
// RFC 5927): the host classifies it, TCP decides what it means for the
// connection's state.
#pragma once

#include <cstdint>

#include <strata/core/seq_num.hpp>

namespace strata::stack::tcp {

struct IcmpReport {
    enum class Kind : std::uint8_t {
        unreachable_hard, ///< destination unreachable codes 2-4 (protocol, port, DF) and the like
        unreachable_soft, ///< net/host unreachable (codes 0, 1, 5-12)
        frag_needed,      ///< type 3 code 4 with the next-hop MTU (RFC 1191)
        time_exceeded,    ///< type 11: soft
    };
    Kind kind = Kind::unreachable_soft;
    std::uint8_t type = 3;
    std::uint8_t code = 0;
    std::uint16_t next_hop_mtu = 0; ///< frag_needed: 0 when the router did not say
    SeqNum seq{};                   ///< sequence number of the quoted TCP header
};

} // namespace strata::stack::tcp
