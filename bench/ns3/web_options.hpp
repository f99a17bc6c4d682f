// strata_web's command line: ns3_web's flag names (--H, --S, --N, --B, --req,
// --mode, --udpPackets, ...), parsed into Options. One translation unit
// includes it (bench/ns3/strata_web.cpp).
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include <strata/core/time.hpp>

namespace strata_web {

using strata::Duration;

// ------------------------------------------------------------------ options
struct Options {
    std::uint32_t H = 100, S = 4, N = 10, B = 10240, req = 500;
    std::string mode = "tcp";
    std::uint32_t udpPackets = 100, udpSize = 512;
    double udpInterval = 0.01;
    std::uint64_t lanRate = 1'000'000'000, accessRate = 100'000'000, coreRate = 1'000'000'000,
                  srvRate = 1'000'000'000;
    double lanDelay = 1e-6, accessDelay = 5e-3, coreDelay = 10e-3, srvDelay = 1e-6;
    std::uint32_t queue = 100; // frames per link direction (ns-3's DropTail device queue: 100p)
    double startWindow = 1.0, maxSimTime = 3600.0;
    double msl = 30.0; // TIME-WAIT = 2 MSL = 60 s, Linux's (ns-3: MaxSegLifetime 120 s)
    std::uint64_t seed = 1;
    std::string pcap; // a directory: one pcap per link (small runs)
};

[[noreturn]] inline void usage(const char* bad) {
    std::fprintf(stderr,
                 "strata_web: bad option %s\n"
                 "options (ns3_web's names): --H= --S= --N= --B= --req= --mode=tcp|udp\n"
                 "  --udpPackets= --udpSize= --udpInterval=S --lanRate=bps --accessRate= "
                 "--coreRate= --srvRate=\n"
                 "  --lanDelay=S --accessDelay= --coreDelay= --srvDelay= --queue=frames\n"
                 "  --startWindow=S --maxSimTime=S --seed= --msl=S (TIME-WAIT = 2 msl)\n"
                 "  --pcap=DIR (one pcap per link, nanosecond timestamps; for small runs)\n"
                 "  --routing=static is accepted (the routes are static)\n",
                 bad);
    std::exit(2);
}

template <class T>
T number(std::string_view v, const char* arg) {
    T x{};
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc{} || r.ptr != v.data() + v.size()) usage(arg);
    return x;
}
inline double seconds_arg(std::string_view v, const char* arg) {
    const std::string s(v);
    char* end = nullptr;
    const double x = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || x < 0) usage(arg);
    return x;
}

inline Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a.substr(0, 2) != "--") usage(argv[i]);
        a.remove_prefix(2);
        const auto eq = a.find('=');
        if (eq == std::string_view::npos) usage(argv[i]);
        const std::string_view k = a.substr(0, eq), v = a.substr(eq + 1);
        auto u32 = [&] { return number<std::uint32_t>(v, argv[i]); };
        auto u64 = [&] { return number<std::uint64_t>(v, argv[i]); };
        auto dbl = [&] { return seconds_arg(v, argv[i]); };
        if (k == "H")
            o.H = u32();
        else if (k == "S")
            o.S = u32();
        else if (k == "N")
            o.N = u32();
        else if (k == "B")
            o.B = u32();
        else if (k == "req")
            o.req = u32();
        else if (k == "mode")
            o.mode = std::string(v);
        else if (k == "udpPackets")
            o.udpPackets = u32();
        else if (k == "udpSize")
            o.udpSize = u32();
        else if (k == "udpInterval")
            o.udpInterval = dbl();
        else if (k == "lanRate")
            o.lanRate = u64();
        else if (k == "accessRate")
            o.accessRate = u64();
        else if (k == "coreRate")
            o.coreRate = u64();
        else if (k == "srvRate")
            o.srvRate = u64();
        else if (k == "lanDelay")
            o.lanDelay = dbl();
        else if (k == "accessDelay")
            o.accessDelay = dbl();
        else if (k == "coreDelay")
            o.coreDelay = dbl();
        else if (k == "srvDelay")
            o.srvDelay = dbl();
        else if (k == "queue")
            o.queue = u32();
        else if (k == "startWindow")
            o.startWindow = dbl();
        else if (k == "maxSimTime")
            o.maxSimTime = dbl();
        else if (k == "seed")
            o.seed = u64();
        else if (k == "msl")
            o.msl = dbl();
        else if (k == "pcap")
            o.pcap = std::string(v);
        else if (k == "routing" && v == "static") {
        } else
            usage(argv[i]);
    }
    if (o.mode != "tcp" && o.mode != "udp") usage("--mode");
    if (o.H == 0 || o.H > 60000 || o.S == 0 || o.S > 250 || o.udpSize > 1472) usage("(range)");
    return o;
}

// Names like "c17" (appending, not operator+ on a literal: g++ 12's false
// -Wrestrict on that).
inline std::string numbered(char prefix, std::uint32_t i, std::string_view suffix = {}) {
    std::string s(1, prefix);
    s += std::to_string(i);
    s += suffix;
    return s;
}

inline Duration secs(double s) { return Duration{static_cast<std::int64_t>(s * 1e9 + 0.5)}; }

} // namespace strata_web
