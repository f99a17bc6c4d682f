// strata-dissect, link layers: Ethernet, 802.1Q tags, ARP, PPPoE, PPP and
// the PPP control protocols (LCP, IPCP, PAP, CHAP, all inside "ppp").
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include <strata/addr/mac_address.hpp>

#include "walk.hpp"

namespace strata::dissect {

// --- Ethernet and 802.1Q --------------------------------------------------------

void write(Walk& w, as<Ethernet<>>, const EthernetView<>& v) {
    w.ethertype = static_cast<std::uint16_t>(v.ethertype());
    // Up to 1500 the field is an 802.3 length: LLC follows, out of scope.
    w.frame["eth"] = {
        {"dst", to_string(v.dst())}, {"src", to_string(v.src())}, {"type", w.ethertype}};
    w.layer("eth");
}
void salvage(Walk& w, as<Ethernet<>>, Bytes, const Error& e) { w.error(e); }

void write(Walk& w, as<Dot1Q<>>, const Dot1QView<>& v) {
    w.ethertype = static_cast<std::uint16_t>(v.ethertype());
    w.frame["vlan"].push_back(
        {{"pcp", v.pcp()}, {"dei", bit(v.dei())}, {"id", v.vlan_id()}, {"type", w.ethertype}});
    w.layer("vlan");
}
void salvage(Walk& w, as<Dot1Q<>>, Bytes, const Error& e) { w.error(e); }

// --- ARP ----------------------------------------------------------------------------

void write(Walk& w, as<ARP>, const ArpView<>& v) {
    w.frame["arp"] = {{"htype", v.hardware_type()},
                      {"ptype", static_cast<std::uint16_t>(v.protocol_type())},
                      {"hlen", v.hardware_len()},
                      {"plen", v.protocol_len()},
                      {"op", static_cast<std::uint16_t>(v.operation())},
                      {"sha", to_string(v.sender_hardware_addr())},
                      {"spa", to_string(v.sender_protocol_addr())},
                      {"tha", to_string(v.target_hardware_addr())},
                      {"tpa", to_string(v.target_protocol_addr())}};
    w.layer("arp");
}

// The view speaks Ethernet/IPv4 ARP only; other hardware and protocol types
// (RFC 826 is generic) are read from the bytes here.
void salvage(Walk& w, as<ARP>, Bytes p, const Error& e) {
    if (p.size() < arp_field::fixed_len) {
        w.error(e);
        return;
    }
    // The view refuses other hardware/protocol types as `unsupported`.
    const bool other_types = e.code == Errc::unsupported;
    if (!other_types) w.error(e);
    const std::size_t hlen = p[arp_field::hlen.first];
    const std::size_t plen = p[arp_field::plen.first];
    json a{{"htype", load_be16(p.data() + arp_field::htype.first)},
           {"ptype", load_be16(p.data() + arp_field::ptype.first)},
           {"hlen", hlen},
           {"plen", plen},
           {"op", load_be16(p.data() + arp_field::oper.first)}};
    const std::size_t need = arp_field::fixed_len + 2 * hlen + 2 * plen;
    if (p.size() >= need) {
        const auto hw = [&](std::size_t at) {
            const Bytes b = p.subspan(at, hlen);
            return hlen == 6 ? to_string(MacAddress::from_bytes(b.data())) : hex(b);
        };
        const auto pr = [&](std::size_t at) {
            const Bytes b = p.subspan(at, plen);
            return plen == 4 ? ipv4_text(b) : hex(b);
        };
        const std::size_t at = arp_field::fixed_len;
        a["sha"] = hw(at);
        a["spa"] = pr(at + hlen);
        a["tha"] = hw(at + hlen + plen);
        a["tpa"] = pr(at + 2 * hlen + plen);
    } else if (other_types) {
        w.error(
            Error::at(arp_field::addresses, arp_field::fixed_len, Errc::truncated, p.size(), need),
            w.offset_of(p));
    }
    w.frame["arp"] = std::move(a);
    w.layer("arp");
}

// --- PPPoE ----------------------------------------------------------------------------

namespace {
json pppoe_header(const PppoeView<>& v, PppoeStage stage) {
    return {{"version", v.version()},
            {"type", v.type()},
            {"code", static_cast<int>(v.code())},
            {"session_id", v.session_id()},
            {"length", v.length()},
            {"stage", to_string(stage)}};
}
PppoeStage stage_of(const Walk& w) {
    return pppoe_stage(EtherType{w.ethertype}).value_or(PppoeStage::session);
}
} // namespace

void write(Walk& w, as<PPPoE<>>, const PppoeView<>& v) {
    const PppoeStage stage = stage_of(w);
    json h = pppoe_header(v, stage);
    if (stage == PppoeStage::discovery) {
        json tags = json::array();
        const PppoeTags all = v.tags();
        for (const PppoeTag tag : all) {
            json t{{"type", static_cast<std::uint16_t>(tag.type())}, {"len", tag.length()}};
            // RFC 2516 Appendix A: names and error messages are UTF-8 text.
            if (tag.type() == PppoeTagType::service_name || tag.type() == PppoeTagType::ac_name ||
                tag.is_error())
                t["value"] = text(tag.value());
            else if (tag.type() != PppoeTagType::vendor_specific)
                t["value"] = hex(tag.value());
            tags.push_back(std::move(t));
        }
        if (const auto e = all.error()) w.error(*e, w.offset_of(Bytes(v.bytes())));
        h["tags"] = std::move(tags);
    }
    w.frame["pppoe"] = std::move(h);
    w.layer("pppoe");
    if (stage == PppoeStage::discovery) {
        w.stopped = true; // TAGs, whatever the code says: no PPP inside
    } else if (v.code() != PppoeCode::session_data) {
        // The stage is the EtherType's: a session packet is read as PPP even
        // with a CODE RFC 2516 §6 forbids (the stack stops at such a header).
        walk_inner(w, v, Bytes(v.payload()));
    }
}

void salvage(Walk& w, as<PPPoE<>>, Bytes p, const Error& e) {
    if (p.size() >= pppoe_field::header_len) {
        w.frame["pppoe"] = pppoe_header(PppoeView<>::unchecked(p), stage_of(w));
        w.layer("pppoe");
    }
    w.error(e);
}

// --- PPP and its control protocols --------------------------------------------------------

void write(Walk& w, as<PPP<>>, const PppView<>& v) {
    w.frame["ppp"] = {{"protocol", static_cast<std::uint16_t>(v.protocol())}};
    w.layer("ppp");
}

void salvage(Walk& w, as<PPP<>>, Bytes p, const Error& e) {
    if (p.size() >= ppp_field::header_len) {
        w.frame["ppp"] = {{"protocol", load_be16(p.data() + ppp_field::protocol.first)}};
        w.layer("ppp");
    }
    w.error(e);
}

namespace {
// Code, identifier, length and (LCP/IPCP codes 1–4) the options, into the
// "ppp" object; a malformed option ends the list and is reported.
template <PppProtocol P>
void control(Walk& w, const PppControlView<P>& v) {
    json& ppp = w.frame["ppp"];
    ppp["code"] = static_cast<int>(v.code());
    ppp["id"] = v.identifier();
    ppp["length"] = v.length();
    if constexpr (PppConfigProtocol<P>) {
        if (v.has_options()) {
            json list = json::array();
            const auto opts = v.options();
            for (const auto opt : opts)
                list.push_back({{"type", opt.bytes()[0]}, {"len", opt.length()}});
            if (const auto e = opts.error()) w.error(*e, w.offset_of(Bytes(v.bytes())));
            ppp["options"] = std::move(list);
        }
    }
}

// The scheme shows the header of a packet whose data the view refused (a
// malformed option, a PAP Peer-ID running past the end): only a header
// problem is reported as an error.
template <PppProtocol P>
void control_salvage(Walk& w, Bytes p) {
    auto v = PppControlView<P>::checked_header(p);
    if (!v) {
        w.error(v.error(), w.offset_of(p));
        return;
    }
    control(w, *v);
}
} // namespace

void write(Walk& w, as<LCP>, const LcpView<>& v) { control(w, v); }
void write(Walk& w, as<IPCP>, const IpcpView<>& v) { control(w, v); }
void write(Walk& w, as<PAP>, const PapView<>& v) { control(w, v); }
void write(Walk& w, as<CHAP>, const ChapView<>& v) { control(w, v); }

void salvage(Walk& w, as<LCP>, Bytes p, const Error&) { control_salvage<PppProtocol::lcp>(w, p); }
void salvage(Walk& w, as<IPCP>, Bytes p, const Error&) { control_salvage<PppProtocol::ipcp>(w, p); }
void salvage(Walk& w, as<PAP>, Bytes p, const Error&) { control_salvage<PppProtocol::pap>(w, p); }
void salvage(Walk& w, as<CHAP>, Bytes p, const Error&) { control_salvage<PppProtocol::chap>(w, p); }

} // namespace strata::dissect
