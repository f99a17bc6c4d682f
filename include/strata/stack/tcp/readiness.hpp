// What a socket call can ask about and do besides reading and writing:
// poll(2)-style readiness and shutdown(2)'s directions.
#pragma once

#include <cstdint>

#include <strata/stack/errno.hpp>

namespace strata::stack::tcp {

enum class Shutdown : std::uint8_t { read, write, both };

/// What a socket is ready for (poll(2)'s POLLIN / POLLOUT / POLLHUP / POLLERR).
struct Readiness {
    bool readable = false;   ///< recv() will not say EAGAIN
    bool writable = false;   ///< send() will not say EAGAIN
    bool acceptable = false; ///< a listener has a connection to accept()
    bool hangup = false;     ///< closed, or both directions finished
    /// Urgent data not yet read (POLLPRI; RFC 9293 MUST-32's asynchronous
    /// signal): set when an urgent pointer arrives, until the application
    /// has read past it. Engine::urgent_remaining says how much (MUST-33).
    bool urgent = false;
    Errno error = Errno::ok;
};

} // namespace strata::stack::tcp
