// strata-dissect against an independent dissector: every frame of every
// stored capture (tests/data/*.pcap, *.pcapng) is decoded with dissect_frame()
// and compared field by field with tshark 4.0's JSON dump stored next to it
// (X.tshark.json: no defragmentation, no reassembly, checksums verified; see
// docs/captures.md). Every field the scheme has and tshark shows is compared;
// the per-capture counts are printed and asserted.
//
// tshark writes every value as a string ("0x0800", "64", "10.77.1.2"); the
// helpers below read them as numbers where the scheme has numbers. Objects
// are read with ordered_json so that record and option order is tshark's.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "dissect.hpp"

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::optional<std::uint64_t> to_num(const std::string& s) {
    if (s.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const std::uint64_t v = std::stoull(s, &used, s.rfind("0x", 0) == 0 ? 16 : 10);
        if (used != s.size()) return std::nullopt;
        return v;
    } catch (...) {
        return std::nullopt;
    }
}

// The tshark value at `key` as a string (first element when tshark merged a
// repeated key into an array).
std::optional<std::string> tget(const ojson& o, const std::string& key) {
    if (!o.is_object() || !o.contains(key)) return std::nullopt;
    const ojson& v = o[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_array() && !v.empty() && v[0].is_string()) return v[0].get<std::string>();
    return std::nullopt;
}

// A field tshark must have, as a number (throws, failing the test, when absent).
std::uint64_t tnum(const ojson& o, const std::string& key) {
    return to_num(tget(o, key).value()).value();
}

// Elements of a value that may be one object or (repeated key) an array.
std::vector<const ojson*> items(const ojson& v) {
    std::vector<const ojson*> out;
    if (v.is_array())
        for (const auto& e : v)
            out.push_back(&e);
    else
        out.push_back(&v);
    return out;
}

struct Compare {
    std::string where; // "file#frame"
    std::size_t count = 0;
    std::vector<std::string> mismatches;

    void fail(const std::string& what, const std::string& detail) {
        mismatches.push_back(where + " " + what + ": " + detail);
    }
    const json* field(const json& ours, const std::string& key, const std::string& what) {
        if (!ours.is_object() || !ours.contains(key)) {
            fail(what, "absent in strata output");
            return nullptr;
        }
        return &ours[key];
    }
    // A numeric field: tshark's value at tkey (if tshark shows it) against ours[key].
    void num(const json& ours, const std::string& key, const ojson& t, const std::string& tkey,
             std::uint64_t scale = 1) {
        const auto tv = tget(t, tkey);
        if (!tv) return;
        const std::string what = key + " (" + tkey + ")";
        ++count;
        const json* o = field(ours, key, what);
        if (o == nullptr) return;
        const auto n = to_num(*tv);
        if (!n) return fail(what, "tshark value not a number: " + *tv);
        if (!o->is_number_integer() || o->get<std::uint64_t>() * scale != *n)
            fail(what, "strata " + o->dump() + " tshark " + *tv);
    }
    void str(const json& ours, const std::string& key, const ojson& t, const std::string& tkey) {
        const auto tv = tget(t, tkey);
        if (!tv) return;
        const std::string what = key + " (" + tkey + ")";
        ++count;
        const json* o = field(ours, key, what);
        if (o == nullptr) return;
        if (!o->is_string() || o->get<std::string>() != *tv)
            fail(what, "strata " + o->dump() + " tshark " + *tv);
    }
    // checksum_valid against tshark's *.checksum.status: 1 good, 0 bad, 2 unverified.
    void status(const json& ours, const ojson& t, const std::string& tkey) {
        const auto tv = tget(t, tkey);
        if (!tv) return;
        const std::string what = "checksum_valid (" + tkey + ")";
        ++count;
        const json* o = field(ours, "checksum_valid", what);
        if (o == nullptr) return;
        const json want = *tv == "1" ? json(true) : *tv == "0" ? json(false) : json(nullptr);
        if (*o != want) fail(what, "strata " + o->dump() + " tshark " + *tv);
    }
    void equal(const std::string& what, const json& a, const json& b) {
        ++count;
        if (a != b) fail(what, "strata " + a.dump() + " tshark " + b.dump());
    }
};

// --- layers ------------------------------------------------------------------------

// tshark's frame.protocols mapped to the scheme's in-scope names; mapping
// stops at the first name outside the scheme (data, llc, ipv6, …) and after
// icmp (what follows is the quoted datagram, not a layer).
json expected_layers(const ojson& L) {
    const std::string protos = *tget(L["frame"], "frame.protocols");
    json out = json::array();
    std::size_t i = 0;
    while (i <= protos.size()) {
        const std::size_t j = std::min(protos.find(':', i), protos.size());
        const std::string p = protos.substr(i, j - i);
        i = j + 1;
        if (p == "ethertype") continue;
        if (p == "eth" || p == "arp" || p == "udp" || p == "tcp" || p == "dns") {
            out.push_back(p);
        } else if (p == "vlan" || p == "ieee8021ad") {
            out.push_back("vlan");
        } else if (p == "ip") {
            out.push_back("ipv4");
        } else if (p == "icmp") {
            out.push_back("icmp");
            break;
        } else if (p == "pppoed" || p == "pppoes") {
            out.push_back("pppoe");
        } else if (p == "ppp") {
            out.push_back("ppp");
        } else if (p == "lcp" || p == "ipcp" || p == "pap" || p == "chap") {
            continue; // inside the scheme's ppp object
        } else if (p == "http") {
            // tshark calls any port-80 segment http (continuations too); the
            // scheme only when a request or status line starts the segment.
            const ojson& h = L["http"];
            bool line = false;
            for (auto it = h.begin(); it != h.end(); ++it)
                if (it.value().is_object() && (it.value().contains("http.request.method") ||
                                               it.value().contains("http.response.code")))
                    line = true;
            if (line) out.push_back("http");
            break;
        } else {
            break;
        }
    }
    return out;
}

// --- per protocol -------------------------------------------------------------------

void compare_eth(Compare& c, const json& f, const ojson& L) {
    const ojson& t = L["eth"];
    const json& e = f["eth"];
    c.str(e, "dst", t, "eth.dst");
    c.str(e, "src", t, "eth.src");
    c.num(e, "type", t, "eth.type");
}

void compare_vlans(Compare& c, const json& f, const ojson& L) {
    // tshark names an 0x88a8 tag "ieee8021ad" and an 0x8100 tag "vlan".
    const std::string protos = *tget(L["frame"], "frame.protocols");
    std::map<std::string, std::size_t> seen;
    std::size_t k = 0;
    std::size_t i = 0;
    while (i <= protos.size()) {
        const std::size_t j = std::min(protos.find(':', i), protos.size());
        const std::string p = protos.substr(i, j - i);
        i = j + 1;
        if (p != "vlan" && p != "ieee8021ad") continue;
        const auto objs = items(L[p]);
        const std::size_t idx = seen[p]++;
        if (idx >= objs.size()) break;
        const ojson& t = *objs[idx];
        if (!f.contains("vlan") || k >= f["vlan"].size()) {
            c.fail("vlan[" + std::to_string(k) + "]", "absent in strata output");
            break;
        }
        const json& v = f["vlan"][k++];
        c.num(v, "pcp", t, p + ".priority");
        c.num(v, "dei", t, p + ".dei");
        c.num(v, "id", t, p + ".id");
        c.num(v, "type", t, p == "vlan" ? "vlan.etype" : "ieee8021ah.etype");
    }
}

void compare_arp(Compare& c, const json& f, const ojson& L) {
    const ojson& t = L["arp"];
    const json& a = f["arp"];
    c.num(a, "htype", t, "arp.hw.type");
    c.num(a, "ptype", t, "arp.proto.type");
    c.num(a, "hlen", t, "arp.hw.size");
    c.num(a, "plen", t, "arp.proto.size");
    c.num(a, "op", t, "arp.opcode");
    c.str(a, "sha", t, "arp.src.hw_mac");
    c.str(a, "spa", t, "arp.src.proto_ipv4");
    c.str(a, "tha", t, "arp.dst.hw_mac");
    c.str(a, "tpa", t, "arp.dst.proto_ipv4");
}

// IPv4 options: tshark groups them by kind ("ip.options.nop_tree", …, one
// array when repeated), so the comparison is on the multiset of (type, len).
void compare_ipv4_options(Compare& c, const json& ip, const ojson& t) {
    std::vector<std::pair<int, int>> theirs;
    for (auto it = t.begin(); it != t.end(); ++it) {
        if (it.key().rfind("Options: ", 0) != 0) continue;
        for (auto o = it.value().begin(); o != it.value().end(); ++o) {
            const std::string& k = o.key();
            if (k.size() < 5 || k.compare(k.size() - 5, 5, "_tree") != 0) continue;
            for (const ojson* e : items(o.value())) {
                const auto type = tget(*e, "ip.opt.type");
                if (!type) continue;
                const auto len = tget(*e, "ip.opt.len");
                theirs.emplace_back(static_cast<int>(to_num(*type).value()),
                                    len ? static_cast<int>(to_num(*len).value()) : -1);
            }
        }
    }
    std::vector<std::pair<int, int>> ours;
    if (ip.contains("options"))
        for (const auto& o : ip["options"])
            ours.emplace_back(o["type"].get<int>(), o.contains("len") ? o["len"].get<int>() : -1);
    std::sort(theirs.begin(), theirs.end());
    std::sort(ours.begin(), ours.end());
    json a = json::array(), b = json::array();
    for (const auto& [ty, len] : ours)
        a.push_back({ty, len});
    for (const auto& [ty, len] : theirs)
        b.push_back({ty, len});
    c.equal("ipv4.options", a, b);
}

void compare_ipv4(Compare& c, const json& ip, const ojson& t, bool quoted) {
    c.num(ip, "version", t, "ip.version");
    c.num(ip, "ihl", t, "ip.hdr_len", 4);
    c.num(ip, "total_len", t, "ip.len");
    c.num(ip, "id", t, "ip.id");
    c.num(ip, "ttl", t, "ip.ttl");
    c.num(ip, "proto", t, "ip.proto");
    c.str(ip, "src", t, "ip.src");
    c.str(ip, "dst", t, "ip.dst");
    if (quoted) return; // the scheme's inner.ipv4 has only the fields above
    c.num(ip, "tos", t, "ip.dsfield");
    if (t.contains("ip.flags_tree")) {
        const ojson& fl = t["ip.flags_tree"];
        c.num(ip, "rf", fl, "ip.flags.rb");
        c.num(ip, "df", fl, "ip.flags.df");
        c.num(ip, "mf", fl, "ip.flags.mf");
    }
    c.num(ip, "frag_offset", t, "ip.frag_offset"); // tshark 4.0: 8-byte units
    c.num(ip, "checksum", t, "ip.checksum");
    c.status(ip, t, "ip.checksum.status");
    compare_ipv4_options(c, ip, t);
}

void compare_icmp(Compare& c, const json& m, const ojson& t) {
    c.num(m, "type", t, "icmp.type");
    c.num(m, "code", t, "icmp.code");
    c.num(m, "checksum", t, "icmp.checksum");
    c.status(m, t, "icmp.checksum.status");
    c.num(m, "id", t, "icmp.ident");
    c.num(m, "seq", t, "icmp.seq");
    c.num(m, "mtu", t, "icmp.mtu");
    c.str(m, "gateway", t, "icmp.redir_gw");
    c.num(m, "pointer", t, "icmp.pointer");
    // The quoted datagram: tshark nests ip / udp / tcp / icmp objects.
    if (!t.contains("ip")) return;
    if (!m.contains("inner") || !m["inner"].contains("ipv4")) {
        c.fail("icmp.inner", "absent in strata output");
        return;
    }
    const json& in = m["inner"];
    compare_ipv4(c, in["ipv4"], t["ip"], true);
    if (t.contains("udp")) {
        const json u = in.value("udp", json::object());
        c.num(u, "sport", t["udp"], "udp.srcport");
        c.num(u, "dport", t["udp"], "udp.dstport");
        c.num(u, "len", t["udp"], "udp.length");
    }
    if (t.contains("tcp")) {
        const json tc = in.value("tcp", json::object());
        c.num(tc, "sport", t["tcp"], "tcp.srcport");
        c.num(tc, "dport", t["tcp"], "tcp.dstport");
        c.num(tc, "seq", t["tcp"], "tcp.seq_raw");
    }
    if (t.contains("icmp")) {
        const json ic = in.value("icmp", json::object());
        c.num(ic, "type", t["icmp"], "icmp.type");
        c.num(ic, "code", t["icmp"], "icmp.code");
    }
}

void compare_udp(Compare& c, const json& u, const ojson& t) {
    c.num(u, "sport", t, "udp.srcport");
    c.num(u, "dport", t, "udp.dstport");
    c.num(u, "len", t, "udp.length");
    c.num(u, "checksum", t, "udp.checksum");
    c.status(u, t, "udp.checksum.status");
}

// Re-encodes strata's decoded options and compares them with the raw option
// bytes tshark shows ("tcp.options": "02:04:05:b4:…"): every decoded value
// (MSS, shift, SACK edges, TSval/TSecr) must give back the bytes on the wire.
void compare_tcp_options(Compare& c, const json& tc, const ojson& t) {
    const auto raw_text = tget(t, "tcp.options");
    if (!raw_text) return;
    std::vector<int> raw;
    for (std::size_t i = 0; i + 1 < raw_text->size() + 1; i += 3)
        raw.push_back(static_cast<int>(std::stoul(raw_text->substr(i, 2), nullptr, 16)));
    if (!tc.contains("options")) {
        c.fail("tcp.options", "absent in strata output");
        return;
    }
    std::size_t pos = 0;
    const auto put = [&](std::uint64_t v, int bytes) {
        std::vector<int> b;
        for (int k = bytes - 1; k >= 0; --k)
            b.push_back(static_cast<int>((v >> (8 * k)) & 0xff));
        return b;
    };
    for (const auto& o : tc["options"]) {
        std::vector<int> enc;
        if (o["kind"].is_null()) { // malformed: the rest is not decoded
            c.equal("tcp.option invalid", true, pos < raw.size());
            return;
        }
        const int kind = o["kind"].get<int>();
        enc.push_back(kind);
        std::size_t known = 1; // bytes of the option the scheme determines
        if (kind > 1) {
            enc.push_back(o["len"].get<int>());
            known = 2;
            std::vector<int> tail;
            if (kind == 2) tail = put(o["mss"].get<std::uint64_t>(), 2);
            if (kind == 3) tail = put(o["shift"].get<std::uint64_t>(), 1);
            if (kind == 8) {
                tail = put(o["tsval"].get<std::uint64_t>(), 4);
                const auto e = put(o["tsecr"].get<std::uint64_t>(), 4);
                tail.insert(tail.end(), e.begin(), e.end());
            }
            if (kind == 5)
                for (const auto& b : o["blocks"]) {
                    const auto l = put(b[0].get<std::uint64_t>(), 4);
                    const auto r = put(b[1].get<std::uint64_t>(), 4);
                    tail.insert(tail.end(), l.begin(), l.end());
                    tail.insert(tail.end(), r.begin(), r.end());
                }
            enc.insert(enc.end(), tail.begin(), tail.end());
            known = enc.size();
        }
        const std::size_t len = kind > 1 ? static_cast<std::size_t>(o["len"].get<int>()) : 1;
        json a = json::array(), b = json::array();
        for (std::size_t k = 0; k < known; ++k) {
            a.push_back(enc[k]);
            b.push_back(pos + k < raw.size() ? raw[pos + k] : -1);
        }
        c.equal("tcp.option@" + std::to_string(pos), a, b);
        pos += len;
        if (kind == 0) break; // EOL: padding follows
    }
    if (pos < raw.size() && (tc["options"].empty() || tc["options"].back()["kind"] != 0))
        c.fail("tcp.options", "strata listed " + std::to_string(pos) + " of " +
                                  std::to_string(raw.size()) + " option bytes");
    // And the values in tshark's own tree.
    const ojson& tree = t.contains("tcp.options_tree") ? t["tcp.options_tree"] : ojson::object();
    const auto find_opt = [&](int kind) -> const json* {
        for (const auto& o : tc["options"])
            if (!o["kind"].is_null() && o["kind"].get<int>() == kind) return &o;
        return nullptr;
    };
    if (tree.contains("tcp.options.mss_tree"))
        if (const json* o = find_opt(2))
            c.num(*o, "mss", tree["tcp.options.mss_tree"], "tcp.options.mss_val");
    if (tree.contains("tcp.options.wscale_tree"))
        if (const json* o = find_opt(3))
            c.num(*o, "shift", tree["tcp.options.wscale_tree"], "tcp.options.wscale.shift");
    if (tree.contains("tcp.options.timestamp_tree"))
        if (const json* o = find_opt(8)) {
            c.num(*o, "tsval", tree["tcp.options.timestamp_tree"], "tcp.options.timestamp.tsval");
            c.num(*o, "tsecr", tree["tcp.options.timestamp_tree"], "tcp.options.timestamp.tsecr");
        }
}

void compare_tcp(Compare& c, const json& tc, const ojson& t) {
    c.num(tc, "sport", t, "tcp.srcport");
    c.num(tc, "dport", t, "tcp.dstport");
    c.num(tc, "seq", t, "tcp.seq_raw");
    c.num(tc, "ack", t, "tcp.ack_raw");
    c.num(tc, "data_offset", t, "tcp.hdr_len", 4);
    c.num(tc, "window", t, "tcp.window_size_value");
    c.num(tc, "checksum", t, "tcp.checksum");
    c.status(tc, t, "tcp.checksum.status");
    c.num(tc, "urgent", t, "tcp.urgent_pointer");
    c.num(tc, "payload_len", t, "tcp.len");
    if (const auto fl = tget(t, "tcp.flags")) {
        // tshark's tcp.flags is the 12 bits after the data offset: reserved (3), AE/NS, CWR … FIN.
        const std::uint64_t v = to_num(*fl).value();
        c.equal("tcp.flags_int", tc.value("flags_int", json()), json(v & 0x1ff));
        c.equal("tcp.reserved", tc.value("reserved", json()), json((v >> 9) & 0x7));
        const char* letters = "FSRPAUECN";
        std::string want;
        for (int i = 0; i < 9; ++i)
            if (v & (1u << i)) want.push_back(letters[i]);
        c.equal("tcp.flags", tc.value("flags", json()), json(want));
    }
    if (t.contains("tcp.flags_tree")) {
        const ojson& ft = t["tcp.flags_tree"];
        const auto flag = [&](const char* tkey, unsigned bitno) {
            const auto tv = tget(ft, tkey);
            if (!tv) return;
            c.equal(std::string("tcp.flags_int bit (") + tkey + ")",
                    json((tc.value("flags_int", 0u) >> bitno) & 1u), json(to_num(*tv).value()));
        };
        flag("tcp.flags.fin", 0);
        flag("tcp.flags.syn", 1);
        flag("tcp.flags.reset", 2);
        flag("tcp.flags.push", 3);
        flag("tcp.flags.ack", 4);
        flag("tcp.flags.urg", 5);
        flag("tcp.flags.ece", 6);
        flag("tcp.flags.cwr", 7);
        flag("tcp.flags.ae", 8);
        flag("tcp.flags.ns", 8);
    }
    compare_tcp_options(c, tc, t);
}

// --- DNS --------------------------------------------------------------------------------

std::string tshark_name(const std::string& n) { return n == "<Root>" ? "." : n; }

void compare_rr(Compare& c, const json& r, const ojson& t, const std::string& what) {
    const auto name = tget(t, "dns.resp.name");
    if (name) c.equal(what + ".name", r.value("name", json()), json(tshark_name(*name)));
    c.num(r, "type", t, "dns.resp.type");
    c.num(r, "rdlength", t, "dns.resp.len");
    const auto type = tget(t, "dns.resp.type");
    if (type && *type == "41") { // OPT (RFC 6891): CLASS and TTL are EDNS fields
        c.num(r, "udp_size", t, "dns.rr.udp_payload_size");
        c.num(r, "ext_rcode", t, "dns.resp.ext_rcode");
        c.num(r, "version", t, "dns.resp.edns0_version");
        if (t.contains("dns.resp.z_tree")) c.num(r, "do", t["dns.resp.z_tree"], "dns.resp.z.do");
        // One option is an object, several an array (--no-duplicate-keys).
        json theirs = json::array();
        if (t.contains("dns.opt"))
            for (const ojson* o : items(t["dns.opt"]))
                theirs.push_back({tnum(*o, "dns.opt.code"), tnum(*o, "dns.opt.len")});
        json ours = json::array();
        for (const auto& o : r.value("options", json::array()))
            ours.push_back({o["code"], o["len"]});
        c.equal(what + ".options", ours, theirs);
        return;
    }
    c.num(r, "class", t, "dns.resp.class");
    c.num(r, "ttl", t, "dns.resp.ttl");
    const json rd = r.value("rdata", json());
    const auto s = [&](const char* tkey) {
        if (const auto v = tget(t, tkey)) c.equal(what + ".rdata (" + tkey + ")", rd, json(*v));
    };
    s("dns.a");
    s("dns.aaaa");
    s("dns.ns");
    s("dns.cname");
    s("dns.ptr.domain_name");
    s("dns.dname");
    if (tget(t, "dns.mx.preference")) {
        const json sub = rd.is_object() ? rd : json::object();
        c.num(sub, "preference", t, "dns.mx.preference");
        c.str(sub, "exchange", t, "dns.mx.mail_exchange");
    }
    if (tget(t, "dns.soa.mname")) {
        const json sub = rd.is_object() ? rd : json::object();
        c.str(sub, "mname", t, "dns.soa.mname");
        c.str(sub, "rname", t, "dns.soa.rname");
        c.num(sub, "serial", t, "dns.soa.serial_number");
        c.num(sub, "refresh", t, "dns.soa.refresh_interval");
        c.num(sub, "retry", t, "dns.soa.retry_interval");
        c.num(sub, "expire", t, "dns.soa.expire_limit");
        c.num(sub, "minimum", t, "dns.soa.minimum_ttl");
    }
    if (tget(t, "dns.srv.port")) {
        const json sub = rd.is_object() ? rd : json::object();
        c.num(sub, "priority", t, "dns.srv.priority");
        c.num(sub, "weight", t, "dns.srv.weight");
        c.num(sub, "port", t, "dns.srv.port");
        c.str(sub, "target", t, "dns.srv.target");
    }
    if (t.contains("dns.txt")) {
        json want = json::array();
        for (const ojson* v : items(t["dns.txt"]))
            want.push_back(v->get<std::string>());
        c.equal(what + ".rdata (dns.txt)", rd, want);
    }
}

void compare_dns(Compare& c, const json& d, const ojson& t) {
    c.num(d, "tcp_length", t, "dns.length");
    c.num(d, "id", t, "dns.id");
    c.num(d, "flags", t, "dns.flags");
    if (t.contains("dns.flags_tree")) {
        const ojson& fl = t["dns.flags_tree"];
        c.num(d, "qr", fl, "dns.flags.response");
        c.num(d, "opcode", fl, "dns.flags.opcode");
        c.num(d, "aa", fl, "dns.flags.authoritative");
        c.num(d, "tc", fl, "dns.flags.truncated");
        c.num(d, "rd", fl, "dns.flags.recdesired");
        c.num(d, "ra", fl, "dns.flags.recavail");
        c.num(d, "z", fl, "dns.flags.z");
        c.num(d, "ad", fl, "dns.flags.authenticated");
        c.num(d, "cd", fl, "dns.flags.checkdisable");
        c.num(d, "rcode", fl, "dns.flags.rcode");
    }
    c.num(d, "qdcount", t, "dns.count.queries");
    c.num(d, "ancount", t, "dns.count.answers");
    c.num(d, "nscount", t, "dns.count.auth_rr");
    c.num(d, "arcount", t, "dns.count.add_rr");
    // Sections: tshark keys each entry by a summary line; a repeated summary
    // is an array. Order is kept by ordered_json.
    const auto entries = [&](const char* key) {
        std::vector<const ojson*> out;
        if (!t.contains(key)) return out;
        for (auto it = t[key].begin(); it != t[key].end(); ++it)
            for (const ojson* e : items(it.value()))
                out.push_back(e);
        return out;
    };
    const auto qs = entries("Queries");
    const json ours_q = d.value("questions", json());
    c.equal("dns.questions count", json(ours_q.is_array() ? ours_q.size() : 0), json(qs.size()));
    for (std::size_t i = 0; i < qs.size() && ours_q.is_array() && i < ours_q.size(); ++i) {
        const auto name = tget(*qs[i], "dns.qry.name");
        if (name) c.equal("dns.questions.name", ours_q[i]["name"], json(tshark_name(*name)));
        c.num(ours_q[i], "type", *qs[i], "dns.qry.type");
        c.num(ours_q[i], "class", *qs[i], "dns.qry.class");
    }
    const std::pair<const char*, const char*> secs[] = {
        {"answers", "Answers"},
        {"authorities", "Authoritative nameservers"},
        {"additionals", "Additional records"}};
    for (const auto& [ours_key, tkey] : secs) {
        const auto rrs = entries(tkey);
        const json ours = d.value(ours_key, json());
        c.equal(std::string("dns.") + ours_key + " count", json(ours.is_array() ? ours.size() : 0),
                json(rrs.size()));
        for (std::size_t i = 0; i < rrs.size() && ours.is_array() && i < ours.size(); ++i)
            compare_rr(c, ours[i], *rrs[i], std::string("dns.") + ours_key);
    }
}

// --- HTTP ------------------------------------------------------------------------------------

void compare_http(Compare& c, const json& h, const ojson& t) {
    bool request = false;
    for (auto it = t.begin(); it != t.end(); ++it) {
        const ojson& v = it.value();
        if (!v.is_object()) continue;
        if (v.contains("http.request.method")) {
            request = true;
            c.equal("http.kind", h.value("kind", json()), json("request"));
            c.str(h, "method", v, "http.request.method");
            c.str(h, "uri", v, "http.request.uri");
            c.str(h, "version", v, "http.request.version");
        } else if (v.contains("http.response.code")) {
            c.equal("http.kind", h.value("kind", json()), json("response"));
            c.str(h, "version", v, "http.response.version");
            c.num(h, "status", v, "http.response.code");
            c.str(h, "reason", v, "http.response.phrase");
        }
    }
    // Header lines as tshark shows them ("Name: value\r\n"), split here at
    // the first ':' with the value's outer whitespace trimmed.
    json want = json::array();
    const char* lines_key = request ? "http.request.line" : "http.response.line";
    if (t.contains(lines_key))
        for (const ojson* l : items(t[lines_key])) {
            std::string s = l->get<std::string>();
            while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
                s.pop_back();
            const auto colon = s.find(':');
            if (colon == std::string::npos) {
                want.push_back({s, nullptr});
                continue;
            }
            std::string name = s.substr(0, colon);
            std::string value = s.substr(colon + 1);
            for (char& ch : name)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const auto b = value.find_first_not_of(" \t");
            const auto e = value.find_last_not_of(" \t");
            value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
            want.push_back({name, value});
        }
    c.equal("http.headers", h.value("headers", json()), want);
}

// --- PPPoE and PPP ------------------------------------------------------------------------

// tshark shows discovery TAG values by name (empty ones not at all), so the
// comparison goes from tshark's names to the scheme's TAG types.
void compare_pppoe(Compare& c, const json& p, const ojson& t, bool discovery) {
    c.num(p, "version", t, "pppoe.version");
    c.num(p, "type", t, "pppoe.type");
    c.num(p, "code", t, "pppoe.code");
    c.num(p, "session_id", t, "pppoe.session_id");
    c.num(p, "length", t, "pppoe.payload_length");
    c.equal("pppoe.stage", p.value("stage", json()), json(discovery ? "discovery" : "session"));
    if (!discovery || !t.contains("pppoed.tags")) return;
    const ojson& tags = t["pppoed.tags"];
    const std::pair<const char*, int> text_tags[] = {{"pppoed.tags.service_name", 0x0101},
                                                     {"pppoed.tags.ac_name", 0x0102},
                                                     {"pppoed.tags.service_name_error", 0x0201},
                                                     {"pppoed.tags.ac_system_error", 0x0202},
                                                     {"pppoed.tags.generic_error", 0x0203}};
    const std::pair<const char*, int> hex_tags[] = {{"pppoed.tags.host_uniq", 0x0103},
                                                    {"pppoed.tags.ac_cookie", 0x0104},
                                                    {"pppoed.tags.relay_session_id", 0x0110}};
    const auto ours = [&](int type) -> json {
        for (const auto& tag : p.value("tags", json::array()))
            if (tag["type"] == type) return tag.value("value", json());
        return json();
    };
    for (const auto& [key, type] : text_tags)
        if (const auto v = tget(tags, key))
            c.equal(std::string("pppoe.tags (") + key + ")", ours(type), json(*v));
    for (const auto& [key, type] : hex_tags)
        if (const auto v = tget(tags, key)) {
            std::string h = *v;
            h.erase(std::remove(h.begin(), h.end(), ':'), h.end());
            c.equal(std::string("pppoe.tags (") + key + ")", ours(type), json(h));
        }
    if (tget(tags, "pppoed.tags.vendor_id")) {
        bool present = false;
        for (const auto& tag : p.value("tags", json::array()))
            if (tag["type"] == 0x0105) present = !tag.contains("value");
        c.equal("pppoe.tags vendor-specific has no value", json(present), json(true));
    }
}

void compare_ppp(Compare& c, const json& p, const ojson& L) {
    c.num(p, "protocol", L["ppp"], "ppp.protocol");
    const char* names[] = {"lcp", "ipcp", "pap", "chap"};
    for (const char* name : names) {
        if (!L.contains(name)) continue;
        const ojson& t = L[name];
        const std::string n = name;
        const std::string prefix = n == "lcp" || n == "ipcp" ? "ppp" : n; // LCP/IPCP: "ppp.code"
        c.num(p, "code", t, prefix + ".code");
        c.num(p, "id", t, prefix + ".identifier");
        c.num(p, "length", t, prefix + ".length");
        if (n != "lcp" && n != "ipcp") continue;
        json theirs = json::array();
        for (auto it = t.begin(); it != t.end(); ++it) {
            if (it.key().rfind("Options: ", 0) != 0) continue;
            for (auto o = it.value().begin(); o != it.value().end(); ++o) {
                const std::string& k = o.key();
                if (k.size() < 5 || k.compare(k.size() - 5, 5, "_tree") != 0) continue;
                for (const ojson* e : items(o.value()))
                    theirs.push_back({{"type", tnum(*e, n + ".opt.type")},
                                      {"len", tnum(*e, n + ".opt.length")}});
            }
        }
        const auto code = tget(t, "ppp.code");
        if (code && to_num(*code).value() >= 1 && to_num(*code).value() <= 4)
            c.equal(n + ".options", p.value("options", json()), theirs);
    }
}

// --- driver ------------------------------------------------------------------------------------

struct CaptureResult {
    std::size_t frames = 0;
    std::size_t fields = 0;
    std::vector<std::string> mismatches;
};

CaptureResult compare_capture(const fs::path& capture) {
    CaptureResult res;
    std::ifstream in(capture.string() + ".tshark.json");
    REQUIRE(in.good());
    const ojson dump = ojson::parse(in);
    std::string why;
    auto reader = strata::PcapReader::open(capture.string(), &why);
    REQUIRE(reader.has_value());
    std::size_t n = 0;
    for (;;) {
        auto next = reader->next();
        REQUIRE(next.has_value());
        if (!*next) break;
        ++n;
        const json f = strata::dissect::dissect_frame(n, **next, reader->link_type());
        REQUIRE(n <= dump.size());
        const ojson& L = dump[n - 1]["_source"]["layers"];
        Compare c;
        c.where = capture.filename().string() + "#" + std::to_string(n);
        c.num(f, "caplen", L["frame"], "frame.cap_len");
        c.num(f, "wirelen", L["frame"], "frame.len");
        c.equal("layers", f["layers"], expected_layers(L));
        c.equal("errors", f["errors"], json::array()); // tshark flags nothing in these captures
        const json& layers = f["layers"];
        const auto has = [&](const char* l) {
            return std::find(layers.begin(), layers.end(), json(l)) != layers.end();
        };
        if (has("eth") && L.contains("eth")) compare_eth(c, f, L);
        if (has("vlan")) compare_vlans(c, f, L);
        if (has("arp") && L.contains("arp")) compare_arp(c, f, L);
        if (has("pppoe") && L.contains("pppoed")) compare_pppoe(c, f["pppoe"], L["pppoed"], true);
        if (has("pppoe") && L.contains("pppoes")) compare_pppoe(c, f["pppoe"], L["pppoes"], false);
        if (has("ppp") && L.contains("ppp")) compare_ppp(c, f["ppp"], L);
        if (has("ipv4") && L.contains("ip")) compare_ipv4(c, f["ipv4"], L["ip"], false);
        if (has("icmp") && L.contains("icmp")) compare_icmp(c, f["icmp"], L["icmp"]);
        if (has("udp") && L.contains("udp")) compare_udp(c, f["udp"], L["udp"]);
        if (has("tcp") && L.contains("tcp")) compare_tcp(c, f["tcp"], L["tcp"]);
        if (has("dns") && L.contains("dns")) compare_dns(c, f["dns"], L["dns"]);
        if (has("http") && L.contains("http")) compare_http(c, f["http"], L["http"]);
        res.fields += c.count;
        res.mismatches.insert(res.mismatches.end(), c.mismatches.begin(), c.mismatches.end());
    }
    res.frames = n;
    CHECK(n == dump.size());
    return res;
}

std::vector<fs::path> captures() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(STRATA_TEST_DATA_DIR)) {
        const auto ext = e.path().extension();
        if ((ext == ".pcap" || ext == ".pcapng") && fs::exists(e.path().string() + ".tshark.json"))
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("dissect_frame agrees with tshark on every stored capture", "[tshark]") {
    const auto files = captures();
    REQUIRE(files.size() >= 12);
    std::size_t total = 0;
    for (const auto& file : files) {
        const CaptureResult r = compare_capture(file);
        std::cout << "dissect vs tshark: " << file.filename().string() << ": " << r.frames
                  << " frames, " << r.fields << " fields compared, " << r.mismatches.size()
                  << " mismatches\n";
        for (const auto& m : r.mismatches)
            std::cout << "  MISMATCH " << m << "\n";
        CHECK(r.mismatches.empty());
        // Every frame has at least its frame, eth and layer fields compared.
        CHECK(r.fields >= 8 * r.frames);
        total += r.fields;
    }
    std::cout << "dissect vs tshark: " << total << " fields compared in total\n";
    CHECK(total >= 5000);
}
