// Adapter: --so_flags parsing, re-addressing the host, and waiting for
// other threads (adapter.hpp).
#include "adapter.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <arpa/inet.h>

namespace strata::packetdrill {

Settings parse_flags(std::string_view flags) {
    Settings s;
    std::size_t i = 0;
    while (i < flags.size()) {
        const std::size_t end = flags.find_first_of(", ", i);
        const std::string word(flags.substr(i, end == std::string_view::npos ? end : end - i));
        i = end == std::string_view::npos ? flags.size() : end + 1;
        if (word.empty()) continue;
        const auto eq = word.find('=');
        const std::string key = word.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : word.substr(eq + 1);
        if (key == "local_ip") {
            in_addr a{};
            if (inet_pton(AF_INET, value.c_str(), &a) == 1)
                s.local = Ipv4Address{ntohl(a.s_addr)};
            else
                std::fprintf(stderr, "strata_packetdrill: bad local_ip '%s'\n", value.c_str());
        } else if (key == "mtu") {
            const unsigned long m = std::strtoul(value.c_str(), nullptr, 10);
            if (m >= 576 && m <= 65535)
                s.mtu = static_cast<std::uint32_t>(m);
            else
                std::fprintf(stderr, "strata_packetdrill: bad mtu '%s'\n", value.c_str());
        } else if (key == "seed") {
            s.seed = std::strtoull(value.c_str(), nullptr, 10);
        } else if (key == "verbose") {
            s.verbose = true;
        } else {
            std::fprintf(stderr, "strata_packetdrill: unknown so_flag '%s' ignored\n",
                         word.c_str());
        }
    }
    return s;
}

bool Adapter::readdress(Ipv4Address local) {
    if (committed) return false;
    // Descriptors are handed out lowest-free-first from 3, so reopening in
    // order gives the same numbers when there are no gaps; with gaps, no.
    int expect = 3;
    for (const auto& [fd, info] : fds)
        if (fd != expect++) return false;
    const Instant now = vh->now();
    vh.reset();
    vh.emplace(settings, local, now);
    for (const auto& [fd, info] : fds) {
        (void)vh->host().socket(info.kind);
        if (info.bound) (void)vh->host().bind(fd, *info.bound);
    }
    return true;
}

bool Adapter::wait_for_change(std::unique_lock<std::mutex>& lk, Instant deadline) {
    const std::uint64_t seen = generation;
    if (cv.wait_for(lk, quiet, [&] { return generation != seen; })) return true;
    // Nobody else moved: run the host's clock to its next event ourselves.
    const Instant next = std::min(vh->next_event(), deadline);
    if (next == never) return false;
    vh->advance_to(std::max(next, vh->now()));
    changed();
    return true;
}

} // namespace strata::packetdrill
