// Frames of the stored captures (tests/data) with tshark's dissection of each,
// for tests that compare strata against an independent dissector.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <strata/io/pcap_reader.hpp>

namespace strata::test {

struct CapturedFrame {
    std::vector<Byte> bytes;
    nlohmann::json tshark; ///< the frame's "layers" object from `tshark -T json`
};

inline std::vector<CapturedFrame> load_capture(const std::string& name) {
    const std::string dir = STRATA_TEST_DATA_DIR;
    std::ifstream in(dir + "/" + name + ".tshark.json");
    REQUIRE(in.good());
    const auto dump = nlohmann::json::parse(in);
    auto reader = PcapReader::open(dir + "/" + name);
    REQUIRE(reader);
    std::vector<CapturedFrame> frames;
    for (;;) {
        auto next = reader->next();
        REQUIRE(next);
        if (!*next) break;
        const Bytes data = (*next)->data;
        frames.push_back({std::vector<Byte>(data.begin(), data.end()), {}});
    }
    REQUIRE(frames.size() == dump.size());
    for (std::size_t i = 0; i < frames.size(); ++i)
        frames[i].tshark = dump[i]["_source"]["layers"];
    return frames;
}

/// tshark prints numbers as decimal or 0x-hex strings.
inline std::uint64_t tshark_number(const nlohmann::json& v) {
    const std::string s = v.get<std::string>();
    return std::stoull(s, nullptr, s.rfind("0x", 0) == 0 ? 16 : 10);
}

} // namespace strata::test
