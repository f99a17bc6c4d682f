// A Linux TAP device: an Ethernet interface whose other end is a file
// descriptor. What strata writes to the descriptor arrives at the kernel as
// a frame received on the interface; what the kernel sends on the interface
// is read from it. One frame per read() and write(), no FCS.
//
// Opened as IFF_TAP | IFF_NO_PI (Documentation/networking/tuntap.rst): no
// 4-byte packet-information prefix, and no IFF_VNET_HDR, so frames carry no
// virtio-net header and the kernel neither fills nor verifies checksums for
// us (see TapDevice::caps()). The descriptor is non-blocking and close-on-exec.
// The interface is not persistent: it disappears when the descriptor closes,
// even after `ip link set <tap> netns <ns>` moved it into another namespace.
//
// Every expected failure (no /dev/net/tun, no CAP_NET_ADMIN, a name taken by
// a device that is not a TAP) is an OsError value naming the call and errno.
//
// Linux only.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/io/tap/os_error.hpp>
#include <strata/node/port.hpp>

namespace strata {

/// How to open a TAP device.
struct TapOptions {
    /// Interface name (at most 15 bytes). Empty: the kernel picks "tap0",
    /// "tap1", … An existing TAP of that name that is not in use is attached.
    std::string name{};
    /// MTU to set (SIOCSIFMTU); 0 keeps the kernel's (1500).
    std::uint32_t mtu = 0;
    /// Bring the interface up (SIOCSIFFLAGS, IFF_UP) in the namespace the
    /// process is in. Leave it false when the device moves to another
    /// namespace: moving takes an interface down anyway.
    bool up = false;
    /// Where the clone device is; tests point it elsewhere to see ENOENT.
    std::string clone_path = "/dev/net/tun";
};

class TapDevice {
    int fd_ = -1;
    std::string name_;

    TapDevice(int fd, std::string name) noexcept : fd_(fd), name_(std::move(name)) {}

    // An ifreq naming this interface.
    [[nodiscard]] ifreq request() const noexcept {
        ifreq r{};
        std::memcpy(r.ifr_name, name_.data(), std::min(name_.size(), std::size_t{IFNAMSIZ - 1}));
        return r;
    }

    // Interface ioctls (MTU, flags, address) go through any socket of the
    // current network namespace, not through the TAP descriptor.
    template <class F>
    [[nodiscard]] static OsResult<void> with_socket(F&& f) {
        const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (s < 0) return OsError::last("socket(AF_INET)");
        OsResult<void> r = f(s);
        ::close(s);
        return r;
    }

public:
    /// Opens /dev/net/tun and attaches a TAP interface (TUNSETIFF), then
    /// applies the MTU and the up flag if asked. Errors: "name" EINVAL
    /// (longer than 15 bytes), "open(/dev/net/tun)" (ENOENT: no tun module or
    /// device node; EACCES), "ioctl(TUNSETIFF)" (EPERM: no CAP_NET_ADMIN;
    /// EINVAL: the name belongs to a device that is not a TAP; EBUSY: a TAP
    /// of that name is attached elsewhere), "ioctl(SIOCSIFMTU)",
    /// "ioctl(SIOCSIFFLAGS)".
    static OsResult<TapDevice> open(const TapOptions& o = {}) {
        if (o.name.size() >= IFNAMSIZ) return OsError{"name", EINVAL};
        const int fd = ::open(o.clone_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return OsError::last("open(/dev/net/tun)");
        ifreq r{};
        r.ifr_flags = IFF_TAP | IFF_NO_PI;
        std::memcpy(r.ifr_name, o.name.data(), o.name.size());
        if (::ioctl(fd, TUNSETIFF, &r) < 0) {
            const OsError e = OsError::last("ioctl(TUNSETIFF)");
            ::close(fd);
            return e;
        }
        r.ifr_name[IFNAMSIZ - 1] = '\0';
        TapDevice dev(fd, std::string(r.ifr_name));
        if (o.mtu != 0)
            if (auto ok = dev.set_mtu(o.mtu); !ok) return ok.error();
        if (o.up)
            if (auto ok = dev.set_up(true); !ok) return ok.error();
        return dev;
    }

    TapDevice(TapDevice&& o) noexcept : fd_(std::exchange(o.fd_, -1)), name_(std::move(o.name_)) {}
    TapDevice& operator=(TapDevice&& o) noexcept {
        if (this != &o) {
            close();
            fd_ = std::exchange(o.fd_, -1);
            name_ = std::move(o.name_);
        }
        return *this;
    }
    TapDevice(const TapDevice&) = delete;
    TapDevice& operator=(const TapDevice&) = delete;
    ~TapDevice() { close(); }

    /// Closes the descriptor; the kernel removes the interface. Idempotent.
    void close() noexcept {
        if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    }

    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// The interface name the kernel gave ("tap0" when none was asked for).
    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    /// Reads one frame into `buf`. EAGAIN (an error value) when none is
    /// waiting. A frame longer than `buf` cannot be read whole: the kernel
    /// fails the read (EFAULT on short copies) and drops it, so lend at least
    /// the interface MTU + 14 bytes (a 64 KiB buffer takes anything).
    OsResult<std::size_t> read(MutBytes buf) noexcept {
        const ssize_t n = ::read(fd_, buf.data(), buf.size());
        if (n < 0) return OsError::last("read(tap)");
        return static_cast<std::size_t>(n);
    }

    /// Writes one frame (Ethernet header first, no FCS): the kernel receives
    /// it on the interface. EIO while the interface is down; EINVAL for a
    /// frame shorter than an Ethernet header.
    OsResult<std::size_t> write(Bytes frame) noexcept {
        const ssize_t n = ::write(fd_, frame.data(), frame.size());
        if (n < 0) return OsError::last("write(tap)");
        return static_cast<std::size_t>(n);
    }

    // ------------------------------------------------------------------
    // Interface settings, by name, in the caller's network namespace: they
    // fail with ENODEV once the interface has moved to another one (then
    // configure it there, with `ip`).

    /// SIOCSIFMTU. EINVAL outside [68, 65521] (Linux's TAP limits).
    OsResult<void> set_mtu(std::uint32_t mtu) const {
        ifreq r = request();
        r.ifr_mtu = static_cast<int>(mtu);
        return with_socket([&](int s) -> OsResult<void> {
            if (::ioctl(s, SIOCSIFMTU, &r) < 0) return OsError::last("ioctl(SIOCSIFMTU)");
            return {};
        });
    }

    /// SIOCGIFMTU.
    OsResult<std::uint32_t> mtu() const {
        ifreq r = request();
        std::uint32_t mtu = 0;
        auto ok = with_socket([&](int s) -> OsResult<void> {
            if (::ioctl(s, SIOCGIFMTU, &r) < 0) return OsError::last("ioctl(SIOCGIFMTU)");
            mtu = static_cast<std::uint32_t>(r.ifr_mtu);
            return {};
        });
        if (!ok) return ok.error();
        return mtu;
    }

    /// Sets or clears IFF_UP (SIOCGIFFLAGS then SIOCSIFFLAGS).
    OsResult<void> set_up(bool up) const {
        ifreq r = request();
        return with_socket([&](int s) -> OsResult<void> {
            if (::ioctl(s, SIOCGIFFLAGS, &r) < 0) return OsError::last("ioctl(SIOCGIFFLAGS)");
            if (up)
                r.ifr_flags = static_cast<short>(r.ifr_flags | IFF_UP);
            else
                r.ifr_flags = static_cast<short>(r.ifr_flags & ~IFF_UP);
            if (::ioctl(s, SIOCSIFFLAGS, &r) < 0) return OsError::last("ioctl(SIOCSIFFLAGS)");
            return {};
        });
    }

    /// The kernel side's MAC address (SIOCGIFHWADDR): the source of the
    /// frames Linux sends on the interface. A node on the descriptor side
    /// needs a MAC of its own, different from this one.
    OsResult<MacAddress> mac() const {
        ifreq r = request();
        MacAddress m{};
        auto ok = with_socket([&](int s) -> OsResult<void> {
            if (::ioctl(s, SIOCGIFHWADDR, &r) < 0) return OsError::last("ioctl(SIOCGIFHWADDR)");
            m = MacAddress::from_bytes(reinterpret_cast<const Byte*>(r.ifr_hwaddr.sa_data));
            return {};
        });
        if (!ok) return ok.error();
        return m;
    }

    /// What a port on this device can do: the MTU given (or 1500) and no
    /// checksum offload. Without IFF_VNET_HDR the kernel hands over frames
    /// exactly as they are on the interface and takes ours as they are: it
    /// verifies nothing on the way to us and fills nothing on the way out,
    /// so the node must check and fill every checksum itself.
    [[nodiscard]] static constexpr PortCaps caps(std::uint32_t mtu = 1500) noexcept {
        PortCaps c{};
        c.mtu = mtu;
        return c;
    }
};

} // namespace strata
