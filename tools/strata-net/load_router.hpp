// The router part of the loader (ports, routes, nat, filter), kept apart
// from the file-level checks in loader.cpp.
#pragma once

#include <string>

#include "config.hpp"
#include "json_check.hpp"

namespace strata::net::detail {

/// `obj` is a node object of type "router" at `path` (keys name and type
/// already checked).
ConfigResult<RouterConfig> load_router(const json& obj, const std::string& path);

} // namespace strata::net::detail
