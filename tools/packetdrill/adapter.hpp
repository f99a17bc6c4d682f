// The state behind packetdrill's void* userdata: the virtual host, the
// descriptor flags the host does not keep (O_NONBLOCK, socket options),
// epoll sets, and the lock and condition variable that let packetdrill's
// system-call thread block in a call while its main thread injects packets
// and moves the clock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include <sys/epoll.h>

#include "virtual_host.hpp"

namespace strata::packetdrill {

struct FdInfo {
    stack::SocketKind kind = stack::SocketKind::tcp;
    bool nonblock = false;
    bool nodelay = false;
    bool reuseaddr = false;
    std::optional<stack::Endpoint> bound; ///< replayed if the host is rebuilt
};

struct EpollSet {
    std::map<int, epoll_event> watched;
};

/// Parses --so_flags: words separated by commas or spaces, each `key=value`
/// or a bare switch: local_ip=A.B.C.D, mtu=N, seed=N, verbose.
/// Unknown words are reported on stderr and ignored.
Settings parse_flags(std::string_view flags);

class Adapter {
public:
    explicit Adapter(Settings s) : settings(s) { vh.emplace(s, s.local, Instant{}); }

    /// Rebuilds the host with another local address while nothing has used
    /// the old one (packetdrill picks the local address at random in
    /// 192.168.0.0/16 and tells it only through bind() and the packets it
    /// injects). Descriptors opened so far are reopened with the same numbers.
    bool readdress(Ipv4Address local);

    void changed() {
        ++generation;
        cv.notify_all();
    }

    /// Waits for another thread to change something (an injected packet, a
    /// clock step, a call). After `quiet` of wall time with no change the
    /// caller is alone — packetdrill's main thread making a call that
    /// blocks — so the host's clock runs on to its next event by itself,
    /// as the kernel's would. Returns false when neither happened (nothing
    /// will ever change: the caller gives up).
    bool wait_for_change(std::unique_lock<std::mutex>& lk, Instant deadline = never);

    Settings settings;
    std::optional<VirtualHost> vh; ///< always set; optional because a Host cannot be assigned
    bool committed = false;        ///< the local address is in use: no readdress()
    std::map<int, FdInfo> fds;
    std::map<int, EpollSet> epolls;
    int next_epoll_fd = 4096; ///< above the host's descriptors (max_descriptors 1024)
    int gettimeofday_streak = 0;
    std::uint64_t generation = 0;
    std::mutex mutex;
    std::condition_variable cv;
    std::chrono::milliseconds quiet{1000};
};

} // namespace strata::packetdrill
