// Time as the runtime hands it to a node. A node never reads a clock: the
// simulator passes virtual time, the TAP runner the steady clock, both as an
// Instant counted in nanoseconds from the start of the run (DESIGN.md §4).
#pragma once

#include <chrono>
#include <cstdint>

namespace strata {

using Duration = std::chrono::nanoseconds;

/// The clock of a run. It has no now(): only a runtime knows what time it is.
struct RunClock {
    using duration = Duration;
    using rep = Duration::rep;
    using period = Duration::period;
    using time_point = std::chrono::time_point<RunClock, Duration>;
    static constexpr bool is_steady = true;
};

/// A point in a run: nanoseconds since the run started.
using Instant = RunClock::time_point;

/// The instant `ns` nanoseconds after the start of the run.
[[nodiscard]] constexpr Instant at_ns(std::int64_t ns) noexcept { return Instant{Duration{ns}}; }

/// Nanoseconds since the start of the run (what pcap timestamps and traces print).
[[nodiscard]] constexpr std::int64_t ns_since_start(Instant t) noexcept {
    return t.time_since_epoch().count();
}

/// The latest representable instant: "never" for timers that are not armed.
inline constexpr Instant never = Instant::max();

} // namespace strata
