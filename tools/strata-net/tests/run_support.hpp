// What the strata-net end-to-end tests share: the examples folder, a scratch
// folder removed at the end of a test, running strata-net with its stdout
// and stderr kept in files, and reading a file whole.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace netrun {

namespace fs = std::filesystem;

inline const fs::path examples = STRATA_NET_EXAMPLES_DIR;

inline std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A fresh folder under the temp dir, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "strata-net-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

struct Run {
    int status = -1;
    std::string out; ///< stdout, also kept in scratch/stdout.txt
    std::string err; ///< stderr, also kept in scratch/stderr.txt
};

/// Runs strata-net with `args`.
inline Run run(const std::string& args, const fs::path& scratch) {
    const auto out = scratch / "stdout.txt";
    const auto err = scratch / "stderr.txt";
    const std::string cmd =
        std::string(STRATA_NET_EXE) + " " + args + " >" + out.string() + " 2>" + err.string();
    const int rc = std::system(cmd.c_str());
    Run r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

} // namespace netrun
