// The eleven states of a TCP connection (RFC 9293 §3.3.2). name() spells
// them as netstat and ss print them, so traces and socket tables read like
// the tools people already know.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::stack::tcp {

enum class State : std::uint8_t {
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};

/// "ESTABLISHED", "TIME_WAIT", ...; "?" for a value outside the enumeration.
[[nodiscard]] constexpr std::string_view name(State s) noexcept {
    switch (s) {
    case State::closed:
        return "CLOSED";
    case State::listen:
        return "LISTEN";
    case State::syn_sent:
        return "SYN_SENT";
    case State::syn_received:
        return "SYN_RECV";
    case State::established:
        return "ESTABLISHED";
    case State::fin_wait_1:
        return "FIN_WAIT1";
    case State::fin_wait_2:
        return "FIN_WAIT2";
    case State::close_wait:
        return "CLOSE_WAIT";
    case State::closing:
        return "CLOSING";
    case State::last_ack:
        return "LAST_ACK";
    case State::time_wait:
        return "TIME_WAIT";
    }
    return "?";
}

} // namespace strata::stack::tcp
