// The topology loader: JSON text → TopologyConfig, checking everything the
// schema says (docs/strata-net.md). Every problem is one ConfigError whose
// path names the key ("nodes[2].routes[1].via") and whose message names the
// value; nothing throws out of here and no input crashes it (fuzzed by
// fuzz/topology_loader.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <strata/core/config_error.hpp>

#include "config.hpp"

namespace strata::net {

/// Deepest nesting of arrays and objects accepted (the schema needs 5).
inline constexpr std::size_t max_nesting = 32;
/// Largest topology file read.
inline constexpr std::size_t max_file_bytes = 16u << 20;

/// Parses and checks the text of a topology file.
[[nodiscard]] ConfigResult<TopologyConfig> load_topology(std::string_view json_text);

/// Reads a topology file (at most max_file_bytes) and loads it.
[[nodiscard]] ConfigResult<TopologyConfig> load_topology_file(const std::string& path);

/// "strata-net: FILE: path: message", the one line printed for a bad file.
[[nodiscard]] std::string error_line(const std::string& file, const ConfigError& e);

} // namespace strata::net
