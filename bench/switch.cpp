// switch_forward/{strata,floor}: a learning switch with 4,096 stations
// learned on 48 ports forwards a burst of 1,024 prebuilt 64-to-1514-byte
// frames between random known stations. "floor" is the same work written by
// hand: read both addresses, refresh the source entry in the same kind of
// table (boost::unordered_flat_map), look up the destination, check its age
// and the ingress, copy the frame into the output buffer. Target: strata <=
// 1.2x floor.
#include <array>
#include <cstring>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/random.hpp>
#include <strata/device/switch.hpp>
#include <strata/policy/mac/learning.hpp>

namespace {

using namespace strata;
using namespace std::chrono_literals;

constexpr std::size_t stations = 4096;
constexpr std::uint16_t ports = 48;
constexpr std::size_t burst = 1024;

MacAddress station(std::size_t i) {
    return MacAddress{0x02, 0, 0, Byte(i >> 16), Byte(i >> 8), Byte(i)};
}
std::uint16_t home(std::size_t i) { return static_cast<std::uint16_t>(i % ports); }

struct Burst {
    std::vector<std::vector<Byte>> frames;
    std::vector<std::uint16_t> ingress;
};

const Burst& frames() {
    static const Burst b = [] {
        Burst out;
        RandomStream rng{9};
        for (std::size_t i = 0; i < burst; ++i) {
            std::size_t src = rng.below(stations);
            std::size_t dst = rng.below(stations);
            while (home(dst) == home(src))
                dst = rng.below(stations);
            std::vector<Byte> f(64 + rng.below(1514 - 64 + 1), 0);
            station(dst).to_bytes(f.data());
            station(src).to_bytes(f.data() + 6);
            f[12] = 0x08;
            out.frames.push_back(std::move(f));
            out.ingress.push_back(home(src));
        }
        return out;
    }();
    return b;
}

/// An output token that copies each frame into one reused buffer.
struct SinkOut {
    std::array<Byte, 1514> buffer{};
    std::uint64_t sent = 0;
    PortCaps port_caps{};
    template <class Fill>
    bool send(PortId, std::size_t max_length, Fill&& fill) {
        const std::size_t n = fill(MutBytes(buffer.data(), max_length));
        sent += n != 0;
        return n != 0;
    }
    const PortCaps& caps(PortId) const noexcept { return port_caps; }
    static constexpr bool tracing() noexcept { return false; }
    void trace(const TraceEvent&) noexcept {}
};
static_assert(FrameOut<SinkOut>);

void switch_forward_strata(benchmark::State& state) {
    Switch<mac::Learning<stations>> sw(ports);
    SinkOut out;
    Instant now{};
    for (std::size_t i = 0; i < stations; ++i) {
        std::vector<Byte> f(60, 0);
        MacAddress::broadcast().to_bytes(f.data());
        station(i).to_bytes(f.data() + 6);
        sw.receive(PortId{home(i)}, f, now, out);
    }
    auto b = frames();
    out.sent = 0;
    for (auto _ : state) {
        now += 1us;
        for (std::size_t i = 0; i < burst; ++i) {
            sw.receive(PortId{b.ingress[i]}, b.frames[i], now, out);
        }
        benchmark::DoNotOptimize(out.buffer.data());
    }
    if (out.sent != state.iterations() * burst) state.SkipWithError("a frame was not forwarded");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
}

void switch_forward_floor(benchmark::State& state) {
    struct Entry {
        std::int64_t seen;
        std::uint16_t port;
    };
    boost::unordered_flat_map<std::uint64_t, Entry> table;
    table.reserve(stations);
    const std::int64_t aging = 300'000'000'000;
    std::int64_t now = 0;
    for (std::size_t i = 0; i < stations; ++i)
        table[station(i).to_u64()] = Entry{now, home(i)};
    auto b = frames();
    std::array<Byte, 1514> buffer{};
    std::uint64_t sent = 0;
    for (auto _ : state) {
        now += 1000;
        for (std::size_t i = 0; i < burst; ++i) {
            const std::vector<Byte>& f = b.frames[i];
            const std::uint16_t in = b.ingress[i];
            if (f.size() < 14) continue;
            const MacAddress dst = MacAddress::from_bytes(f.data());
            const MacAddress src = MacAddress::from_bytes(f.data() + 6);
            if (src.is_multicast()) continue;
            auto s = table.find(src.to_u64());
            if (s != table.end()) s->second = Entry{now, in};
            auto d = table.find(dst.to_u64());
            if (d == table.end() || now - d->second.seen >= aging || d->second.port == in) continue;
            std::memcpy(buffer.data(), f.data(), f.size());
            ++sent;
        }
        benchmark::DoNotOptimize(buffer.data());
    }
    if (sent != state.iterations() * burst) state.SkipWithError("a frame was not forwarded");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst));
}

} // namespace

BENCHMARK(switch_forward_strata)->Name("switch_forward/strata");
BENCHMARK(switch_forward_floor)->Name("switch_forward/floor");
BENCHMARK_MAIN();
