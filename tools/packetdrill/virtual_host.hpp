// One strata host on a virtual clock, with a layer-3 face for packetdrill.
//
// packetdrill plays the remote peer and the wire: it hands us IPv4 packets
// and asks for the IPv4 packets the host sent. The host itself is an
// Ethernet node (Host<Ethernet<IPv4<...>>>), so this class is the link:
//  - an injected packet is wrapped in an Ethernet header (peer MAC → host
//    MAC, type IPv4) and given to Host::receive at the current virtual time;
//  - frames the host sends are unwrapped: IPv4 packets are queued for
//    netdev_receive with the time they left, trimmed to the IP total length
//    (the host pads short frames to 60 bytes); ARP never reaches packetdrill:
//    a request is answered at once with the peer MAC (every address the
//    host asks for is "the peer", since packetdrill may use any remote), so
//    resolution costs no virtual time and queued packets leave immediately.
// Time only moves when packetdrill sleeps, waits for a packet, or polls the
// clock in a spin (see gettimeofday in strata_packetdrill.cpp); every timer
// due on the way fires at its own instant, so a run is a pure function of
// the script: same calls ⇒ same bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <strata/addr/ipv4_address.hpp>
#include <strata/addr/ipv4_prefix.hpp>
#include <strata/addr/mac_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/random.hpp>
#include <strata/core/time.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/one_of.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>
#include <strata/node/recording_out.hpp>
#include <strata/stack/host.hpp>
#include <strata/wire/arp.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/ipv4.hpp>

namespace strata::packetdrill {

using PdHost = stack::Host<Ethernet<IPv4<OneOf<TCP<Raw>, UDP<Raw>, ICMP>>>>;

/// The adapter's settings (from --so_flags, see parse_flags).
struct Settings {
    Ipv4Address local{192, 168, 0, 1}; ///< until bind() or the first packet says otherwise
    std::uint32_t mtu = 1500;          ///< packetdrill's tun default
    std::uint64_t seed = 1;            ///< the host's random stream (ISNs, ports, TS offsets)
    bool verbose = false;              ///< print each packet in and out on stderr
};

inline const MacAddress host_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
inline const MacAddress peer_mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

/// The wall-clock second virtual time 0 is reported as (gettimeofday):
/// fixed, so timestamps in a run never depend on when it ran.
inline constexpr std::int64_t epoch_seconds = 1'700'000'000;

inline stack::HostConfig host_config(const Settings& s, Ipv4Address local) {
    stack::HostConfig c;
    c.name = "packetdrill";
    c.mac = host_mac;
    // Every address is on-link: packetdrill's remote (192.0.2.0/24) is not in
    // the local prefix, but there is only one wire and one peer, so a /0
    // connected route sends everything to it without inventing a gateway.
    c.address = Ipv4Prefix{local, 0};
    c.mtu = s.mtu;
    c.rng = RandomStream::derive(s.seed, "packetdrill");
    return c;
}

class VirtualHost {
public:
    struct Packet {
        std::vector<Byte> bytes; ///< the IPv4 packet
        Instant sent;
    };

    VirtualHost(const Settings& s, Ipv4Address local, Instant start)
        : host_(host_config(s, local)), out_(PortCaps{}, false), now_(start) {
        frame_.reserve(65536 + 14);
        settle();
    }

    PdHost& host() noexcept { return host_; }
    [[nodiscard]] Instant now() const noexcept { return now_; }
    [[nodiscard]] Ipv4Address address() const noexcept { return host_.address(); }

    /// Runs everything due at the current instant (socket calls queue their
    /// output for the next poll, smoltcp's model).
    void settle() {
        host_.poll(now_, out_);
        drain();
        // A bounded number of rounds: ARP answers and resumed work may queue more.
        for (int i = 0; i < 64 && host_.poll_at() <= now_; ++i) {
            host_.poll(now_, out_);
            drain();
        }
    }

    /// Moves the clock to `t`, firing every timer at its own instant on the way.
    void advance_to(Instant t) {
        while (true) {
            const Instant due = host_.poll_at();
            if (due > t) break;
            if (due > now_) now_ = due;
            settle();
            if (host_.poll_at() <= now_) break; // nothing more can happen without new input
        }
        if (t > now_) now_ = t;
        settle();
    }

    /// The next instant the host wants to run, or never.
    [[nodiscard]] Instant next_event() const noexcept { return host_.poll_at(); }

    /// One IPv4 packet from the peer. False when it is not IPv4 or too big.
    bool inject(Bytes ip_packet) {
        if (ip_packet.size() < 20 || ip_packet.size() > 65535) return false;
        if ((ip_packet[0] >> 4) != 4) return false;
        frame_.assign(ethernet_field::header_len + ip_packet.size(), Byte{0});
        EthernetRepr{host_mac, peer_mac, EtherType::ipv4}.emit(
            EthernetView<Byte>::unchecked(MutBytes{frame_}));
        std::copy(ip_packet.begin(), ip_packet.end(),
                  frame_.begin() + static_cast<std::ptrdiff_t>(ethernet_field::header_len));
        host_.receive(PortId{0}, MutBytes{frame_}, now_, out_);
        drain();
        settle();
        return true;
    }

    [[nodiscard]] bool has_output() const noexcept { return !sent_.empty(); }
    std::optional<Packet> pop_output() {
        if (sent_.empty()) return std::nullopt;
        Packet p = std::move(sent_.front());
        sent_.pop_front();
        return p;
    }

private:
    void drain() {
        // Answering ARP feeds the host, which may send more: loop until quiet.
        for (int round = 0; round < 64 && !out_.frames.empty(); ++round) {
            std::vector<RecordingOut::Frame> frames;
            frames.swap(out_.frames);
            for (auto& f : frames)
                take(f.bytes);
        }
    }

    void take(std::vector<Byte>& frame) {
        const auto eth = EthernetView<const Byte>::checked(Bytes{frame});
        if (!eth) return;
        const Bytes payload = eth->payload();
        if (eth->ethertype() == EtherType::arp) {
            answer_arp(payload);
            return;
        }
        if (eth->ethertype() != EtherType::ipv4) return;
        const auto ip = Ipv4View<const Byte>::checked(payload);
        if (!ip) return;
        const std::size_t len = std::min<std::size_t>(ip->total_len(), payload.size());
        sent_.push_back(Packet{
            std::vector<Byte>(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(len)),
            now_});
    }

    void answer_arp(Bytes payload) {
        const auto v = ArpView<const Byte>::checked(payload);
        if (!v) return;
        const auto req = ArpRepr::parse(*v);
        if (!req || req->operation != ArpOperation::request) return;
        // The gratuitous announcements (sender = target = us) need no answer.
        if (req->target_protocol_addr == host_.address()) return;
        const ArpRepr reply{ArpOperation::reply, peer_mac, req->target_protocol_addr, host_mac,
                            host_.address()};
        arp_frame_.assign(ethernet_min_frame_len, Byte{0});
        EthernetRepr{host_mac, peer_mac, EtherType::arp}.emit(
            EthernetView<Byte>::unchecked(MutBytes{arp_frame_}));
        reply.emit(
            ArpView<Byte>::unchecked(MutBytes{arp_frame_}.subspan(ethernet_field::header_len)));
        host_.receive(PortId{0}, MutBytes{arp_frame_}, now_, out_);
    }

    PdHost host_;
    RecordingOut out_;
    Instant now_{};
    std::vector<Byte> frame_;
    std::vector<Byte> arp_frame_;
    std::deque<Packet> sent_;
};

} // namespace strata::packetdrill
