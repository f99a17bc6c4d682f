// One trace event as one line of trace.jsonl: the virtual time, the node,
// the event's name (node/trace.hpp's TraceKind) and the fields that kind
// gives meaning to, named as docs/strata-net.md lists them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <strata/node/trace.hpp>

namespace strata::net {

/// Appends the JSON object (and a newline) to `line`. `port` is the port's
/// name as the topology writes it ("wan", "3", "0").
void append_trace_line(std::string& line, std::int64_t t_ns, std::string_view node,
                       std::string_view port, const TraceEvent& e);

} // namespace strata::net
