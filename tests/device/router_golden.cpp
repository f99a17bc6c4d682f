// Click-style golden transcripts: tests/device/golden/*.txt give a router's
// configuration, the frames sent into it and the frames expected out of
// each port, derived from the RFCs by golden/derive.py (not from strata).
// This runner replays them and compares byte for byte; `??` bytes (the
// identification of datagrams the router originates, and the header
// checksum covering it) match anything, and the runner then checks that
// header checksum itself (RFC 1071).
//
// File format, one directive a line, `#` starts a comment:
//   port <index> <mac> <address/len> mtu <n>
//   route <prefix> [via <gateway>] [port <index>] [metric <m>]
//   neighbour <address> <mac> <port>        (a warm ARP entry at time 0)
//   receive <port> [at <seconds>]           then the frame's hex lines
//   poll at <seconds>
//   expect <port>                           then the frame's hex lines
//   icmp_rate <per second> <burst>          (the ICMP error token bucket)
//   drops <reason> <count>                  (checked at the end)
//   suppressed <count>                      (ICMP errors the bucket held back, at the end)
// After each receive or poll, the frames sent must be exactly the ones the
// following expect blocks list, in order.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/device/router.hpp>

using namespace strata;

namespace {

struct Line {
    int number = 0;
    std::vector<std::string> words;
};

std::vector<Line> read_lines(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<Line> lines;
    std::string s;
    int n = 0;
    while (std::getline(in, s)) {
        ++n;
        if (const auto hash = s.find('#'); hash != std::string::npos) s.erase(hash);
        std::istringstream words(s);
        Line l{n, {}};
        for (std::string w; words >> w;)
            l.words.push_back(w);
        if (!l.words.empty()) lines.push_back(std::move(l));
    }
    return lines;
}

bool is_hex_line(const Line& l) {
    const std::string& w = l.words.front();
    return w.size() == 2 && (w == "??" || std::isxdigit(static_cast<unsigned char>(w[0])));
}

/// Hex bytes of the lines from `i` on; -1 for "??".
std::vector<int> read_bytes(const std::vector<Line>& lines, std::size_t& i) {
    std::vector<int> b;
    while (i < lines.size() && is_hex_line(lines[i])) {
        for (const auto& w : lines[i].words)
            b.push_back(w == "??" ? -1 : std::stoi(w, nullptr, 16));
        ++i;
    }
    return b;
}

Instant seconds(const std::string& s) {
    return at_ns(static_cast<std::int64_t>(std::stod(s) * 1e9 + 0.5));
}

/// RFC 1071, independent of strata's checksum code.
bool ipv4_header_sums_to_ffff(const std::vector<Byte>& frame) {
    if (frame.size() < 34) return false;
    const std::size_t hl = std::size_t{frame[14] & 0x0fu} * 4;
    std::uint32_t s = 0;
    for (std::size_t i = 14; i + 1 < 14 + hl; i += 2)
        s += std::uint32_t{frame[i]} << 8 | frame[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

std::string hex(const std::vector<Byte>& b) {
    std::string s;
    char buf[4];
    for (std::size_t i = 0; i < b.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", b[i]);
        s += buf;
        s += (i % 16 == 15) ? '\n' : ' ';
    }
    return s;
}

void run_golden(const std::string& name) {
    const auto path = std::filesystem::path(__FILE__).parent_path() / "golden" / name;
    const auto lines = read_lines(path);
    REQUIRE(!lines.empty());

    router::RouterConfig config;
    struct Warm {
        Ipv4Address ip;
        MacAddress mac;
        PortId port;
    };
    std::vector<Warm> warm;
    std::vector<std::pair<DropReason, std::uint64_t>> drops;
    std::optional<std::uint64_t> suppressed;
    std::optional<Router<>> r;
    RecordingOut out;
    std::size_t consumed = 0;
    Instant now = at_ns(0);

    const auto build = [&] {
        if (r) return;
        auto made = Router<>::make(config, RandomStream{9});
        INFO((made ? std::string{} : made.error().what()));
        REQUIRE(made);
        r.emplace(std::move(*made));
        for (const auto& w : warm)
            REQUIRE(r->arp_cache().learn(w.ip, w.mac, w.port, at_ns(0), true));
    };
    const auto all_consumed = [&](int line) {
        INFO(name << ": before line " << line << ", frames sent but not expected");
        CHECK(consumed == out.frames.size());
        out.clear();
        consumed = 0;
    };

    for (std::size_t i = 0; i < lines.size();) {
        const Line& l = lines[i];
        const auto& w = l.words;
        INFO(name << ":" << l.number);
        ++i;
        if (w[0] == "port") {
            REQUIRE(w.size() == 6);
            config.ports.push_back(
                router::PortConfig{*MacAddress::parse(w[2]), *Ipv4Prefix::parse(w[3]),
                                   static_cast<std::uint32_t>(std::stoul(w[5]))});
        } else if (w[0] == "route") {
            router::RouteConfig rc;
            rc.prefix = *Ipv4Prefix::parse(w[1]);
            for (std::size_t k = 2; k + 1 < w.size(); k += 2) {
                if (w[k] == "via") rc.via = *Ipv4Address::parse(w[k + 1]);
                if (w[k] == "port") rc.port = static_cast<std::uint16_t>(std::stoul(w[k + 1]));
                if (w[k] == "metric") rc.metric = static_cast<std::uint32_t>(std::stoul(w[k + 1]));
            }
            config.routes.push_back(rc);
        } else if (w[0] == "neighbour") {
            warm.push_back(Warm{*Ipv4Address::parse(w[1]), *MacAddress::parse(w[2]),
                                PortId{static_cast<std::uint16_t>(std::stoul(w[3]))}});
        } else if (w[0] == "icmp_rate") {
            config.icmp_rate = {static_cast<std::uint32_t>(std::stoul(w[1])),
                                static_cast<std::uint32_t>(std::stoul(w[2]))};
        } else if (w[0] == "suppressed") {
            suppressed = std::stoull(w[1]);
        } else if (w[0] == "drops") {
            bool known = false;
            for (std::size_t k = 0; k < drop_reason_count; ++k)
                if (to_string(static_cast<DropReason>(k)) == w[1]) {
                    drops.emplace_back(static_cast<DropReason>(k), std::stoull(w[2]));
                    known = true;
                }
            REQUIRE(known);
        } else if (w[0] == "receive") {
            build();
            all_consumed(l.number);
            if (w.size() >= 4 && w[2] == "at") now = seconds(w[3]);
            const auto bytes = read_bytes(lines, i);
            std::vector<Byte> frame;
            for (int b : bytes) {
                REQUIRE(b >= 0);
                frame.push_back(static_cast<Byte>(b));
            }
            r->receive(PortId{static_cast<std::uint16_t>(std::stoul(w[1]))}, MutBytes(frame), now,
                       out);
        } else if (w[0] == "poll") {
            build();
            all_consumed(l.number);
            now = seconds(w[2]);
            r->poll(now, out);
        } else if (w[0] == "expect") {
            const auto want = read_bytes(lines, i);
            INFO("expected frame " << consumed + 1 << " of this step");
            REQUIRE(consumed < out.frames.size());
            const auto& got = out.frames[consumed++];
            INFO("got on port " << to_index(got.port) << ":\n" << hex(got.bytes));
            CHECK(to_index(got.port) == std::stoul(w[1]));
            REQUIRE(got.bytes.size() == want.size());
            for (std::size_t k = 0; k < want.size(); ++k) {
                if (want[k] < 0) continue;
                INFO("byte " << k);
                CHECK(got.bytes[k] == want[k]);
            }
            if (got.bytes[12] == 0x08 && got.bytes[13] == 0x00)
                CHECK(ipv4_header_sums_to_ffff(got.bytes));
        } else {
            FAIL("unknown directive " << w[0]);
        }
    }
    all_consumed(0);
    REQUIRE(r);
    if (suppressed) CHECK(r->icmp_suppressed() == *suppressed);
    for (const auto& [reason, count] : drops) {
        INFO(name << ": drops " << to_string(reason));
        CHECK(r->drops()[reason] == count);
    }
}

} // namespace

TEST_CASE("router golden: forwarding, on-link vs gateway, metric tie-break", "[router][golden]") {
    run_golden("forward.txt");
}
TEST_CASE("router golden: ICMP errors and when none is sent", "[router][golden]") {
    run_golden("icmp_errors.txt");
}
TEST_CASE("router golden: echo reply", "[router][golden]") { run_golden("echo.txt"); }
TEST_CASE("router golden: ARP answer, queue, give up", "[router][golden]") {
    run_golden("arp.txt");
}
TEST_CASE("router golden: fragmentation and fragmentation needed", "[router][golden]") {
    run_golden("fragment.txt");
}
TEST_CASE("router golden: record route and parameter problem", "[router][golden]") {
    run_golden("options.txt");
}
TEST_CASE("router golden: the book's five-route table", "[router][golden]") {
    run_golden("book_table.txt");
}
TEST_CASE("router golden: ICMP error rate limit", "[router][golden]") {
    run_golden("rate_limit.txt");
}
