// Malformed input: every truncation of every frame of every stored capture,
// and bit flips of each of them, go through dissect_bytes() (run this under
// ASan/UBSan: any read outside a frame fails the build's test run), and a
// pcap of such frames written with strata::PcapWriter goes through the
// strata-dissect executable, which must print one valid JSON line per frame.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <strata/io/pcap_writer.hpp>

#include "dissect.hpp"

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

struct Frame {
    std::vector<strata::Byte> data;
    std::uint32_t wirelen = 0;
};

std::vector<Frame> stored_frames() {
    std::vector<Frame> out;
    for (const auto& e : fs::directory_iterator(STRATA_TEST_DATA_DIR)) {
        const auto ext = e.path().extension();
        if (ext != ".pcap" && ext != ".pcapng") continue;
        auto r = strata::PcapReader::open(e.path().string());
        REQUIRE(r.has_value());
        for (;;) {
            auto f = r->next();
            REQUIRE(f.has_value());
            if (!*f) break;
            out.push_back(
                {std::vector<strata::Byte>((*f)->data.begin(), (*f)->data.end()), (*f)->wirelen});
        }
    }
    return out;
}

// The frame object every input must give: the frame fields, a layers list
// and an errors list of strings; serialisable.
void check_shape(const json& f, std::size_t n, std::size_t caplen) {
    REQUIRE(f.is_object());
    CHECK(f["n"] == n);
    CHECK(f["caplen"] == caplen);
    REQUIRE(f["layers"].is_array());
    REQUIRE(f["errors"].is_array());
    for (const auto& e : f["errors"])
        CHECK(e.is_string());
    for (const auto& l : f["layers"])
        CHECK(f.contains(l.get<std::string>()));
    CHECK_FALSE(strata::dissect::to_line(f).empty());
}

} // namespace

TEST_CASE("every truncation and bit flip of the stored frames decodes without fault",
          "[robustness]") {
    const auto frames = stored_frames();
    REQUIRE(frames.size() >= 90);
    std::size_t runs = 0;
    std::size_t with_errors = 0;
    for (const Frame& fr : frames) {
        for (std::size_t len = 0; len <= fr.data.size(); ++len) {
            // An exact-size heap copy, so that ASan sees a read one byte past it.
            std::vector<strata::Byte> cut(fr.data.begin(),
                                          fr.data.begin() + static_cast<long>(len));
            const json f = strata::dissect::dissect_bytes(1, cut, fr.wirelen);
            check_shape(f, 1, len);
            ++runs;
            if (!f["errors"].empty()) ++with_errors;
        }
        // Every bit of the first 96 bytes (all headers of these frames), one at a time.
        const std::size_t limit = std::min<std::size_t>(fr.data.size(), 96);
        for (std::size_t i = 0; i < limit; ++i)
            for (int b = 0; b < 8; ++b) {
                std::vector<strata::Byte> m = fr.data;
                m[i] = static_cast<strata::Byte>(m[i] ^ (1u << b));
                const json f = strata::dissect::dissect_bytes(2, m, fr.wirelen);
                check_shape(f, 2, m.size());
                ++runs;
            }
    }
    // Truncations inside headers must be reported.
    CHECK(with_errors > frames.size());
    INFO("frames decoded: " << runs);
    CHECK(runs > 50000);
}

TEST_CASE("a written pcap of cut and flipped frames goes through strata-dissect", "[cli]") {
    const auto frames = stored_frames();
    const fs::path dir = fs::temp_directory_path() / "strata_dissect_test";
    fs::create_directories(dir);
    const fs::path pcap = dir / "mutated.pcap";
    std::size_t written = 0;
    {
        auto w = strata::PcapWriter::open(pcap.string());
        REQUIRE(w.has_value());
        std::uint32_t seed = 12345;
        for (const Frame& fr : frames) {
            for (std::size_t len = 0; len <= fr.data.size(); len += 7) {
                std::vector<strata::Byte> m(fr.data.begin(),
                                            fr.data.begin() + static_cast<long>(len));
                if (!m.empty()) { // plus one pseudo-random bit flip (LCG, Numerical Recipes)
                    seed = seed * 1664525u + 1013904223u;
                    m[(seed >> 8) % m.size()] ^= static_cast<strata::Byte>(1u << (seed % 8));
                }
                REQUIRE(w->write(strata::Bytes(m), std::chrono::seconds(written),
                                 std::max<std::uint32_t>(fr.wirelen, 1))
                            .has_value());
                ++written;
            }
        }
        REQUIRE(w->close().has_value());
    }
    const fs::path out = dir / "mutated.jsonl";
    const std::string cmd = std::string("\"") + STRATA_DISSECT_EXE + "\" --jsonl \"" +
                            pcap.string() + "\" > \"" + out.string() + "\"";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(out);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        const json f = json::parse(line); // throws (fails) on invalid JSON
        CHECK(f["n"] == n);
    }
    CHECK(n == written);

    // The whole-document form is one valid JSON value with the same frames.
    const fs::path doc = dir / "mutated.json";
    const std::string cmd2 = std::string("\"") + STRATA_DISSECT_EXE + "\" \"" + pcap.string() +
                             "\" > \"" + doc.string() + "\"";
    REQUIRE(std::system(cmd2.c_str()) == 0);
    std::ifstream din(doc);
    const json d = json::parse(din);
    CHECK(d["dissector"] == "strata");
    CHECK(d["scheme_version"] == 1);
    CHECK(d["pcap"] == "mutated.pcap");
    CHECK(d["frames"].size() == written);

    // Summary: one line per frame.
    const fs::path sum = dir / "mutated.txt";
    const std::string cmd3 = std::string("\"") + STRATA_DISSECT_EXE + "\" --summary \"" +
                             pcap.string() + "\" > \"" + sum.string() + "\"";
    REQUIRE(std::system(cmd3.c_str()) == 0);
    std::ifstream sin(sum);
    std::size_t lines = 0;
    while (std::getline(sin, line))
        ++lines;
    CHECK(lines == written);
    fs::remove_all(dir);
}

TEST_CASE("strata-dissect fails with a message and exit code 1 on non-captures", "[cli]") {
    const fs::path dir = fs::temp_directory_path() / "strata_dissect_test_bad";
    fs::create_directories(dir);
    const fs::path bad = dir / "not_a_capture.pcap";
    {
        std::ofstream o(bad);
        o << "this is not a capture file\n";
    }
    const auto run = [&](const std::string& file) {
        const std::string cmd = std::string("\"") + STRATA_DISSECT_EXE + "\" \"" + file +
                                "\" > /dev/null 2> \"" + (dir / "err.txt").string() + "\"";
        const int rc = std::system(cmd.c_str());
        std::ifstream e(dir / "err.txt");
        std::string msg((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
        return std::make_pair(WEXITSTATUS(rc), msg);
    };
    const auto [rc1, msg1] = run(bad.string());
    CHECK(rc1 == 1);
    CHECK(msg1.find("strata-dissect") != std::string::npos);
    const auto [rc2, msg2] = run((dir / "missing.pcap").string());
    CHECK(rc2 == 1);
    CHECK(msg2.find("missing.pcap") != std::string::npos);
    fs::remove_all(dir);
}
