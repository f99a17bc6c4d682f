// The capture check every simulated and real exchange must pass: tshark reads
// the file and reports no malformed packet and no expert warning or error
// (the issue's `tshark -r X -Y '_ws.malformed || _ws.expert.severity >= warning'`).
// One copy for every test area: the test executables have tests/ on their
// include path.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace testcommon {

/// Whether tshark can be run (tests that need it say so and return when not).
inline bool have_tshark() { return std::system("command -v tshark > /dev/null 2>&1") == 0; }

/// What tshark's check prints for the capture at `path` (empty = clean), or
/// nullopt when tshark could not be run or exited with an error.
inline std::optional<std::string> tshark_warnings(const std::string& path) {
    const std::string cmd =
        "tshark -r '" + path + "' -Y '_ws.malformed || _ws.expert.severity >= warning' 2>/dev/null";
    std::FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return std::nullopt;
    std::string out;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr)
        out += buf;
    if (pclose(p) != 0) return std::nullopt;
    return out;
}

} // namespace testcommon
