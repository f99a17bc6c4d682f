// The inside of strata-dissect (not installed): the state one frame's walk
// carries, the text helpers every writer uses, and the two functions each
// in-scope layer has:
//
//   write(walk, std::type_identity<Layer>{}, view)  — the layer decoded: its
//       JSON object, from its view;
//   salvage(walk, std::type_identity<Layer>{}, bytes, error) — the layer's
//       view refused `bytes` (decode<> stopped there with `error`): what the
//       scheme still wants from them (the fields the bytes hold, the error).
//
// Layer is the layer template with a Raw inner (IPv4<>, not IPv4<OneOf<…>>):
// the frame's stack (dissect.cpp) decides what is inside, the writers only
// write. walk_inner() goes on below a layer whose view was salvaged (an IPv4
// datagram cut by the snaplen still carries its TCP header) through the
// stack's own choice for that layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/layer/arp.hpp>
#include <strata/layer/dns.hpp>
#include <strata/layer/dot1q.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/http.hpp>
#include <strata/layer/icmp.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/layer/ppp.hpp>
#include <strata/layer/ppp_control.hpp>
#include <strata/layer/pppoe.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/layer/udp.hpp>

namespace strata::dissect {

using json = nlohmann::json;

// --- text (text.cpp) ---------------------------------------------------------

std::string hex(Bytes b);
/// Wire text as a JSON string: valid UTF-8 is kept, any other byte becomes
/// "\xHH", so that serialising never fails (nlohmann rejects invalid UTF-8).
std::string text(std::string_view s);
std::string text(Bytes b);
std::string ipv4_text(Bytes b);
/// RFC 5952 text, as inet_ntop writes it.
std::string ipv6_text(const std::array<Byte, 16>& a);
std::string lower(std::string_view s);
inline int bit(bool b) { return b ? 1 : 0; }

// --- the walk's state ----------------------------------------------------------

/// What the transport writers need from the IPv4 header before them.
struct Ip {
    Ipv4Address src;
    Ipv4Address dst;
    std::size_t header_len = 0;
    std::uint16_t total_len = 0;
    bool fragment = false; ///< first fragment (MF set): the segment is incomplete
    bool complete = true;  ///< the whole datagram is in the capture
};

struct Walk {
    Walk(json& f, Bytes b) noexcept : frame(f), bytes(b) {}

    json& frame;
    Bytes bytes;                 ///< the whole frame: views' offsets count from here
    std::uint16_t ethertype = 0; ///< the last EtherType read (eth.type, vlan.type)
    Ip ip;
    /// Set by a writer after which the scheme wants nothing more (a PPPoE
    /// discovery packet, a first IPv4 fragment's TCP payload, DNS over TCP).
    bool stopped = false;

    void layer(std::string_view name) { frame["layers"].push_back(name); }
    /// `base`: where the buffer the error's offset counts from starts in the frame.
    void error(const Error& e, std::size_t base = 0) {
        frame["errors"].push_back(to_string(e.rebased(base)));
    }
    void error(std::string s) { frame["errors"].push_back(std::move(s)); }
    /// Where `part` (a span of this frame) starts in the frame.
    std::size_t offset_of(Bytes part) const noexcept {
        return static_cast<std::size_t>(part.data() - bytes.data());
    }
};

/// The layer template with a Raw inner: the key of the write/salvage overloads.
template <class L>
struct generic_layer {
    using type = L;
};
template <template <class> class T, class Inner>
struct generic_layer<T<Inner>> {
    using type = T<Raw>;
};
template <class L>
using generic_layer_t = typename generic_layer<unbind_t<L>>::type;

template <class L>
using as = std::type_identity<L>;

// --- link (link.cpp) -------------------------------------------------------------

void write(Walk& w, as<Ethernet<>>, const EthernetView<>& v);
void write(Walk& w, as<Dot1Q<>>, const Dot1QView<>& v);
void write(Walk& w, as<ARP>, const ArpView<>& v);
void write(Walk& w, as<PPPoE<>>, const PppoeView<>& v);
void write(Walk& w, as<PPP<>>, const PppView<>& v);
void write(Walk& w, as<LCP>, const LcpView<>& v);
void write(Walk& w, as<IPCP>, const IpcpView<>& v);
void write(Walk& w, as<PAP>, const PapView<>& v);
void write(Walk& w, as<CHAP>, const ChapView<>& v);

void salvage(Walk& w, as<Ethernet<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<Dot1Q<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<ARP>, Bytes p, const Error& e);
void salvage(Walk& w, as<PPPoE<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<PPP<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<LCP>, Bytes p, const Error& e);
void salvage(Walk& w, as<IPCP>, Bytes p, const Error& e);
void salvage(Walk& w, as<PAP>, Bytes p, const Error& e);
void salvage(Walk& w, as<CHAP>, Bytes p, const Error& e);

// --- IPv4 and transports (inet.cpp) ----------------------------------------------

void write(Walk& w, as<IPv4<>>, const Ipv4View<>& v);
void write(Walk& w, as<ICMP>, const IcmpView<>& v);
void write(Walk& w, as<UDP<>>, const UdpView<>& v);
void write(Walk& w, as<TCP<>>, const TcpView<>& v);

void salvage(Walk& w, as<IPv4<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<ICMP>, Bytes p, const Error& e);
void salvage(Walk& w, as<UDP<>>, Bytes p, const Error& e);
void salvage(Walk& w, as<TCP<>>, Bytes p, const Error& e);

// --- applications (dns.cpp, http.cpp) -----------------------------------------------

void write(Walk& w, as<DNS>, const dns::MessageView<>& v);
void write(Walk& w, as<HTTP>, const HttpView<>& v);
void salvage(Walk& w, as<DNS>, Bytes p, const Error& e);
void salvage(Walk& w, as<HTTP>, Bytes p, const Error& e);

/// DNS over TCP (RFC 1035 §4.2.2): the 2-byte length, then the message.
/// TCP<DNS> is not a stack (one segment need not hold one message), so the
/// TCP writer calls this for port 53.
void write_dns_over_tcp(Walk& w, Bytes segment);

// --- going on below a salvaged layer (dissect.cpp) ---------------------------------

void walk_inner(Walk& w, const Ipv4View<>& v, Bytes payload);
void walk_inner(Walk& w, const UdpView<>& v, Bytes payload);
void walk_inner(Walk& w, const TcpView<>& v, Bytes payload);
void walk_inner(Walk& w, const PppoeView<>& v, Bytes payload);

} // namespace strata::dissect
