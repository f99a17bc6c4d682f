// The decoding behind strata-dissect: one decode<Frame>() per frame, whose
// layers are walked with visit(), each written by its layer's write()
// (walk.hpp). The stack below is the only place that says what may follow
// what; no writer switches on an EtherType or a protocol number.
//
// Where a view refuses its bytes, decode<> stops with an error and the
// layer's salvage() writes what the scheme still wants from them (the
// fields the bytes hold, the error), and may go on below it through the
// same stack (walk_inner).
#include "dissect.hpp"

#include <exception>
#include <string>
#include <type_traits>
#include <variant>

#include <strata/layer/decode.hpp>
#include <strata/layer/one_of.hpp>

#include "walk.hpp"

namespace strata::dissect {
namespace {

// --- the stack --------------------------------------------------------------------

using Tcp = TCP<OneOf<HTTP>>;
using Udp = UDP<OneOf<DNS>>;
using Ip4 = IPv4<OneOf<ICMP, Udp, Tcp>>;
using Session = PPPoE<PPP<OneOf<LCP, IPCP, PAP, CHAP, Ip4>>>;
/// What an EtherType selects; a fourth stacked VLAN tag is left undecoded.
template <class... Tag>
using Network = OneOf<Tag..., ARP, Ip4, Session>;
using Frame = Ethernet<Network<Dot1Q<Network<Dot1Q<Network<Dot1Q<Network<>>>>>>>>;

} // namespace

namespace {

// --- the walk ---------------------------------------------------------------------

/// Calls f(std::type_identity<L>{}) for the layer whose view refused its
/// bytes: the first one on the decoded path that was chosen but holds no
/// view. Nothing when every chosen layer decoded (decode<> stopped because
/// a decoded layer said nothing decodable follows: a non-first fragment).
template <class L, class B, class F>
bool failed_layer(const detail::DecodeNode<L, B>& n, F&& f) {
    if constexpr (HeaderLayer<L>) {
        if (!n.view) {
            f(std::type_identity<L>{});
            return true;
        }
        return failed_layer(n.inner, f);
    } else if constexpr (is_one_of<L>) {
        return std::visit(
            [&](const auto& alt) -> bool {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(alt)>, Unmatched<B>>)
                    return false;
                else
                    return failed_layer(alt, f);
            },
            n.alt);
    } else {
        return false;
    }
}

/// Decodes `bytes` (a span of the frame) as Stack and writes every layer.
template <class Stack>
void walk(Walk& w, Bytes bytes) {
    const auto d = decode<Stack>(bytes);
    d.visit([&w](auto layer, const auto& view) {
        if (w.stopped) return;
        write(w, as<generic_layer_t<typename decltype(layer)::type>>{}, view);
    });
    if (d.ok() || w.stopped) return;
    const Error e = d.error().rebased(w.offset_of(bytes));
    failed_layer(d.root(), [&](auto layer) {
        salvage(w, as<generic_layer_t<typename decltype(layer)::type>>{}, Bytes(d.rest()), e);
    });
}

/// Goes on below outer layer L (whose view is `v`) into `payload`, choosing
/// the inner layer as decode<> would.
template <class L, class V>
void walk_below(Walk& w, const V& v, Bytes payload) {
    using Inner = inner_of_t<L>;
    if constexpr (is_one_of<Inner>) {
        [&]<class... A>(std::type_identity<OneOf<A...>>) {
            (void)((L::template selects<A>(v) ? (walk<A>(w, payload), true) : false) || ...);
        }(std::type_identity<Inner>{});
    } else {
        walk<Inner>(w, payload);
    }
}

} // namespace

void walk_inner(Walk& w, const Ipv4View<>& v, Bytes payload) { walk_below<Ip4>(w, v, payload); }
void walk_inner(Walk& w, const UdpView<>& v, Bytes payload) { walk_below<Udp>(w, v, payload); }
void walk_inner(Walk& w, const TcpView<>& v, Bytes payload) { walk_below<Tcp>(w, v, payload); }
void walk_inner(Walk& w, const PppoeView<>& v, Bytes payload) {
    walk_below<Session>(w, v, payload);
}

// --- public API ----------------------------------------------------------------------

json dissect_bytes(std::size_t n, Bytes data, std::uint32_t wirelen, int link_type) {
    json f{{"n", n},
           {"caplen", data.size()},
           {"wirelen", wirelen},
           {"layers", json::array()},
           {"errors", json::array()}};
    Walk w{f, data};
    try {
        if (link_type != link_ethernet)
            w.error("frame.link_type: unsupported " + std::to_string(link_type) + " at offset 0");
        else
            walk<Frame>(w, data);
    } catch (const std::exception& e) { // not expected: keep the frame, say so
        w.error(std::string("dissector: internal error: ") + e.what());
    }
    return f;
}

json dissect_frame(std::size_t n, const PcapFrame& frame, int link_type) {
    return dissect_bytes(n, frame.data, frame.wirelen, link_type);
}

std::string to_line(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace strata::dissect
