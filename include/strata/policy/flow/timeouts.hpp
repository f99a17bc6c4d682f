// How long a NAT mapping or a connection-tracking entry lives without
// traffic, and the TCP state that decides it. One definition for nat::Napt
// and filter::Stateful, so both forget a flow at the same moment.
#pragma once

#include <cstdint>

#include <strata/core/ip_protocol.hpp>
#include <strata/core/time.hpp>

namespace strata::flow {

using namespace std::chrono_literals;

struct Timeouts {
    /// RFC 5382 REQ-5: established idle timeout no less than 2 h 4 min.
    Duration tcp_established = 2h + 4min;
    /// RFC 5382 REQ-5: partially open or closing: 4 min (2·MSL).
    Duration tcp_transitory = 4min;
    /// RFC 4787 REQ-5: UDP mappings no less than 2 min; 5 min recommended.
    Duration udp = 5min;
    /// RFC 5508 REQ-1: ICMP query mappings no less than 60 s.
    Duration icmp = 60s;
    /// Anything else (GRE, ESP, …), as Linux's generic timeout.
    Duration other = 10min;
};

/// TCP as a middlebox sees it (RFC 5382 §5): which SYNs, FINs and RSTs went
/// by in each direction. "Outbound" is the direction of the first packet.
class TcpTracker {
public:
    enum Flag : std::uint8_t {
        syn_out = 1,
        syn_in = 2,
        fin_out = 4,
        fin_in = 8,
        rst = 16,
    };

    /// Record one segment's flags (TCP header byte 13) in a direction.
    constexpr void observe(std::uint8_t tcp_flags, bool outbound) noexcept {
        constexpr std::uint8_t fin = 0x01, syn = 0x02, reset = 0x04;
        if (tcp_flags & syn) seen_ |= outbound ? syn_out : syn_in;
        if (tcp_flags & fin) seen_ |= outbound ? fin_out : fin_in;
        if (tcp_flags & reset) seen_ |= rst;
    }

    /// SYNs both ways, no FIN, no RST: the long timeout applies.
    [[nodiscard]] constexpr bool established() const noexcept {
        return (seen_ & (syn_out | syn_in)) == (syn_out | syn_in) &&
               (seen_ & (fin_out | fin_in | rst)) == 0;
    }

    [[nodiscard]] constexpr std::uint8_t seen() const noexcept { return seen_; }

private:
    std::uint8_t seen_ = 0;
};

/// The idle timeout of a flow of `protocol` in its current TCP state.
[[nodiscard]] constexpr Duration idle_timeout(const Timeouts& t, std::uint8_t protocol,
                                              TcpTracker tcp = {}) noexcept {
    switch (protocol) {
    case 6:
        return tcp.established() ? t.tcp_established : t.tcp_transitory;
    case 17:
        return t.udp;
    case 1:
        return t.icmp;
    default:
        return t.other;
    }
}

} // namespace strata::flow
