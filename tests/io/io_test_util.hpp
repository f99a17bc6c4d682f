// Helpers shared by the io tests: a temporary directory, running a command
// (tshark) with its output captured, and reading tshark's JSON field dumps.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <strata/core/bytes.hpp>

namespace strata_test {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
    fs::path path_;

public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("strata_io_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const fs::path& path() const { return path_; }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (path_ / name).string();
    }
};

inline std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<strata::Byte> read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& p, const std::vector<strata::Byte>& b) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `cmd` through the shell with stdout and stderr captured to files in `dir`.
inline CommandResult run_command(const std::string& cmd, const TempDir& dir) {
    const std::string out = dir.file("cmd.out"), err = dir.file("cmd.err");
    const int status = std::system((cmd + " >" + out + " 2>" + err + " </dev/null").c_str());
    CommandResult r;
    r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

/// tshark run as root adds this one warning line to stderr; it says nothing
/// about the file, so it is removed before checking that stderr is empty.
inline std::string without_root_warning(std::string err) {
    const std::string warn =
        "Running as user \"root\" and group \"root\". This could be dangerous.\n";
    for (auto at = err.find(warn); at != std::string::npos; at = err.find(warn))
        err.erase(at, warn.size());
    return err;
}

inline bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

/// "1795386587.384468000" -> nanoseconds since the epoch, exactly (no double).
inline std::chrono::nanoseconds parse_epoch(const std::string& s) {
    const auto dot = s.find('.');
    const std::int64_t sec = std::stoll(s.substr(0, dot));
    std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
    frac.resize(9, '0');
    return std::chrono::nanoseconds(sec * 1'000'000'000 + std::stoll(frac));
}

/// What tshark says about one frame.
struct TsharkFrame {
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    std::chrono::nanoseconds timestamp{0};
    std::string eth_dst, eth_src; // "" when tshark shows no eth layer
    long eth_type = -1;           // -1 when absent
};

/// Reads a `tshark -T json` dump (one object per frame).
inline std::vector<TsharkFrame> load_tshark_json(const fs::path& p) {
    const auto doc = nlohmann::json::parse(read_text(p));
    std::vector<TsharkFrame> frames;
    for (const auto& pkt : doc) {
        const auto& layers = pkt.at("_source").at("layers");
        const auto& fr = layers.at("frame");
        TsharkFrame t;
        t.caplen =
            static_cast<std::uint32_t>(std::stoul(fr.at("frame.cap_len").get<std::string>()));
        t.wirelen = static_cast<std::uint32_t>(std::stoul(fr.at("frame.len").get<std::string>()));
        t.timestamp = parse_epoch(fr.at("frame.time_epoch").get<std::string>());
        if (layers.contains("eth")) {
            const auto& eth = layers.at("eth");
            t.eth_dst = eth.at("eth.dst").get<std::string>();
            t.eth_src = eth.at("eth.src").get<std::string>();
            if (eth.contains("eth.type"))
                t.eth_type = std::stol(eth.at("eth.type").get<std::string>(), nullptr, 16);
        }
        frames.push_back(t);
    }
    return frames;
}

/// "02:77:01:00:00:02", lowercase, as tshark prints MACs.
inline std::string mac_text(const strata::Byte* p) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 6; ++i) {
        if (i) s.push_back(':');
        s.push_back(hex[p[i] >> 4]);
        s.push_back(hex[p[i] & 15]);
    }
    return s;
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

inline std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (auto tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', start)) {
        cols.push_back(line.substr(start, tab - start));
        start = tab + 1;
    }
    cols.push_back(line.substr(start));
    return cols;
}

} // namespace strata_test
