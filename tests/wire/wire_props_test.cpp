// Properties over many inputs: random reprs round-trip, incremental checksum
// rewrites equal a full recompute, and no truncation of any captured frame
// is accepted or read out of bounds (run under -fsanitize=address).
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/arp.hpp>
#include <strata/wire/dot1q.hpp>
#include <strata/wire/ethernet.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>

#include "captured_frames.hpp"
#include "wire_test_util.hpp"

using namespace strata;
using wire_test::bytes_of;

namespace {

struct Gen {
    std::mt19937 rng;
    explicit Gen(std::uint32_t seed) : rng(seed) {}
    std::uint32_t u32() { return static_cast<std::uint32_t>(rng()); }
    std::uint32_t below(std::uint32_t n) { return u32() % n; }
    std::uint8_t u8() { return static_cast<std::uint8_t>(u32()); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(u32()); }
    bool coin() { return (u32() & 1) != 0; }
    MacAddress mac() { return MacAddress{u8(), u8(), u8(), u8(), u8(), u8()}; }
    Ipv4Address addr() { return Ipv4Address{u32()}; }
    std::vector<Byte> bytes(std::size_t n) {
        std::vector<Byte> v(n);
        for (auto& b : v)
            b = u8();
        return v;
    }

    // A well-formed option list: NOPs and TLV options with random data,
    // EOL-padded to a multiple of 4 (what a header carries).
    std::vector<Byte> options() {
        std::vector<Byte> o;
        const std::size_t budget = 4 * below(11); // 0..40
        while (o.size() < budget) {
            const std::size_t room = budget - o.size();
            if (room < 2 || coin()) {
                o.push_back(coin() ? ipv4_option::nop : ipv4_option::eol);
                continue;
            }
            const std::size_t len = 2 + below(static_cast<std::uint32_t>(room - 1));
            Byte type = u8();
            if (type <= 1) type = ipv4_option::router_alert;
            o.push_back(type);
            o.push_back(static_cast<Byte>(len));
            for (std::size_t i = 2; i < len; ++i)
                o.push_back(u8());
        }
        return o;
    }

    Ipv4Repr ipv4() {
        Ipv4Repr r;
        r.src = addr();
        r.dst = addr();
        r.protocol = IpProtocol{u8()};
        r.ttl = u8();
        r.dscp = static_cast<std::uint8_t>(below(64));
        r.ecn = static_cast<std::uint8_t>(below(4));
        r.ident = u16();
        r.dont_frag = coin();
        r.more_frags = coin();
        r.frag_offset = static_cast<std::uint16_t>(8 * below(8192));
        r.payload_len = static_cast<std::uint16_t>(below(1400));
        const auto o = options();
        REQUIRE(r.set_options(Bytes(o)).has_value());
        return r;
    }
};

} // namespace

TEST_CASE("random Ethernet, 802.1Q and ARP reprs round-trip", "[wire][property]") {
    Gen g(20261122);
    for (int i = 0; i < 2000; ++i) {
        const EthernetRepr e{g.mac(), g.mac(), EtherType{g.u16()}};
        std::vector<Byte> eb(e.buffer_len());
        e.emit(EthernetView<Byte>::unchecked(MutBytes(eb)));
        auto ev = EthernetView<>::checked(Bytes(eb));
        REQUIRE(ev);
        CHECK(*EthernetRepr::parse(*ev) == e);

        const Dot1QRepr t{static_cast<std::uint8_t>(g.below(8)), g.coin(),
                          static_cast<std::uint16_t>(g.below(4096)), EtherType{g.u16()}};
        std::vector<Byte> tb(t.buffer_len());
        t.emit(Dot1QView<Byte>::unchecked(MutBytes(tb)));
        auto tv = Dot1QView<>::checked(Bytes(tb));
        REQUIRE(tv);
        CHECK(*Dot1QRepr::parse(*tv) == t);

        const ArpRepr a{ArpOperation{g.u16()}, g.mac(), g.addr(), g.mac(), g.addr()};
        std::vector<Byte> ab(a.buffer_len());
        a.emit(ArpView<Byte>::unchecked(MutBytes(ab)));
        auto av = ArpView<>::checked(Bytes(ab));
        REQUIRE(av);
        CHECK(*ArpRepr::parse(*av) == a);
    }
}

TEST_CASE("random IPv4 reprs round-trip and their checksum verifies", "[wire][property]") {
    Gen g(1624);
    int with_options = 0;
    for (int i = 0; i < 5000; ++i) {
        const Ipv4Repr r = g.ipv4();
        with_options += r.options_len > 0;
        std::vector<Byte> b(r.buffer_len() + r.payload_len);
        r.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
        auto v = Ipv4View<>::checked(Bytes(b));
        REQUIRE(v);
        CHECK(v->verify_checksum());
        CHECK(v->total_len() == b.size());
        CHECK(v->payload().size() == r.payload_len);
        auto p = Ipv4Repr::parse(*v);
        REQUIRE(p);
        CHECK(*p == r);
    }
    CHECK(with_options > 4000); // the generator really exercises options
}

TEST_CASE("random ICMP reprs round-trip and their checksum verifies", "[wire][property]") {
    Gen g(792);
    for (int i = 0; i < 3000; ++i) {
        const auto data = g.bytes(g.below(600));
        IcmpRepr r;
        switch (g.below(5)) {
        case 0:
            r = IcmpEchoRequest{g.u16(), g.u16(), Bytes(data)};
            break;
        case 1:
            r = IcmpEchoReply{g.u16(), g.u16(), Bytes(data)};
            break;
        case 2:
            r = IcmpDestUnreachable{IcmpUnreachable{g.u8()}, g.u16(), Bytes(data)};
            break;
        case 3:
            r = IcmpTimeExceeded{IcmpTimeExceededCode{g.u8()}, Bytes(data)};
            break;
        default: {
            // Types 0, 3, 8 and 11 parse typed unless code / unused bytes say
            // otherwise: keep those cases, they must come back as IcmpOther.
            const std::uint8_t t = g.u8();
            std::uint8_t code = g.u8();
            std::uint32_t rest = g.u32();
            if (t == 0 || t == 8) code = static_cast<std::uint8_t>(code | 1);
            if (t == 3 || t == 11) rest |= 0x00010000u;
            r = IcmpOther{IcmpType{t}, code, rest, Bytes(data)};
        }
        }
        std::vector<Byte> b(r.buffer_len());
        r.emit(IcmpView<Byte>::unchecked(MutBytes(b)));
        auto v = IcmpView<>::checked(Bytes(b));
        REQUIRE(v);
        CHECK(v->verify_checksum());
        CHECK(v->type() == r.type());
        auto p = IcmpRepr::parse(*v);
        REQUIRE(p);
        CHECK(*p == r);
        if (!b.empty()) {
            b[g.below(static_cast<std::uint32_t>(b.size()))] ^= static_cast<Byte>(1u << g.below(8));
            CHECK_FALSE(IcmpView<>::unchecked(Bytes(b)).verify_checksum());
        }
    }
}

TEST_CASE("incremental TTL/TOS/address rewrites equal a full recompute",
          "[wire][property][rfc1624]") {
    Gen g(3);
    for (int i = 0; i < 5000; ++i) {
        const Ipv4Repr r = g.ipv4();
        std::vector<Byte> b(r.buffer_len());
        r.emit(Ipv4View<Byte>::unchecked(MutBytes(b)));
        auto v = Ipv4View<Byte>::unchecked(MutBytes(b));
        switch (g.below(5)) {
        case 0:
            v.rewrite_ttl(g.u8());
            break;
        case 1:
            v.decrement_ttl();
            break;
        case 2:
            v.rewrite_src(g.addr());
            break;
        case 3:
            v.rewrite_dst(g.addr());
            break;
        default:
            v.rewrite_tos(g.u8());
            break;
        }
        const std::uint16_t incremental = v.checksum();
        CHECK(v.verify_checksum());
        CHECK(v.compute_checksum() == incremental);
        v.fill_checksum();
        CHECK(v.checksum() == incremental);
    }
}

namespace {

// Decodes as deep as the frame goes and touches every accessor. Returns
// false when some layer reported an error.
bool decode_all(Bytes frame) {
    auto eth = EthernetView<>::checked(frame);
    if (!eth) return false;
    (void)eth->dst();
    (void)eth->src();
    Bytes body = eth->payload();
    EtherType type = eth->ethertype();
    while (is_vlan_tag(type)) {
        auto tag = Dot1QView<>::checked(body);
        if (!tag) return false;
        (void)tag->vlan_id();
        (void)tag->pcp();
        type = tag->ethertype();
        body = tag->payload();
    }
    if (type == EtherType::arp) {
        auto a = ArpView<>::checked(body);
        if (!a) return false;
        return ArpRepr::parse(*a).has_value() &&
               a->target_protocol_addr() != Ipv4Address::broadcast();
    }
    if (type != EtherType::ipv4) return true;
    auto v = Ipv4View<>::checked(body);
    if (!v) return false;
    for (auto o : v->options())
        (void)o.data.size();
    (void)v->verify_checksum();
    if (!Ipv4Repr::parse(*v)) return false;
    if (v->protocol() != IpProtocol::icmp || v->frag_offset() != 0) return true;
    auto m = IcmpView<>::checked(v->payload());
    if (!m) return false;
    (void)m->verify_checksum();
    if (!IcmpRepr::parse(*m)) return false;
    if (m->is_error()) {
        auto q = Ipv4View<>::checked_quote(m->quoted());
        if (!q) return false;
        (void)q->payload().size();
    }
    return true;
}

const std::vector<Bytes>& all_frames() {
    static const std::vector<Bytes> f{bytes_of(frames::arp_request),
                                      bytes_of(frames::arp_reply),
                                      bytes_of(frames::icmp_echo_request),
                                      bytes_of(frames::icmp_echo_reply),
                                      bytes_of(frames::ipv4_record_route),
                                      bytes_of(frames::ipv4_frag_first),
                                      bytes_of(frames::ipv4_frag_last),
                                      bytes_of(frames::udp_probe),
                                      bytes_of(frames::icmp_port_unreachable),
                                      bytes_of(frames::icmp_time_exceeded),
                                      bytes_of(frames::icmp_frag_needed),
                                      bytes_of(frames::dot1q_frame),
                                      bytes_of(frames::qinq_frame)};
    return f;
}

} // namespace

TEST_CASE("every truncation of every captured frame is an error", "[wire][property][truncation]") {
    // None of the captured frames has padding, so every layer ends exactly at
    // the end of the frame and any shorter buffer must fail somewhere.
    for (const Bytes f : all_frames()) {
        CHECK(decode_all(f));
        for (std::size_t n = 0; n < f.size(); ++n) {
            const auto p = wire_test::prefix(f, n);
            INFO("frame of " << f.size() << " bytes cut to " << n);
            CHECK_FALSE(decode_all(Bytes(p)));
        }
    }
}

TEST_CASE("every truncation is an error for each view on its own", "[wire][property][truncation]") {
    // Each view handed a prefix of the bytes of its own layer, shorter than
    // what its header (or, for IPv4, total length) needs.
    auto each_prefix = [](Bytes layer, std::size_t needed, auto&& check) {
        for (std::size_t n = 0; n < needed; ++n) {
            const auto p = wire_test::prefix(layer, n);
            INFO("cut to " << n << " of " << needed);
            check(Bytes(p));
        }
    };
    for (const Bytes f : all_frames()) {
        each_prefix(f, 14, [](Bytes p) { CHECK_FALSE(EthernetView<>::checked(p)); });
        auto eth = EthernetView<>::checked(f);
        REQUIRE(eth);
        Bytes body = eth->payload();
        EtherType type = eth->ethertype();
        while (is_vlan_tag(type)) {
            each_prefix(body, 4, [](Bytes p) { CHECK_FALSE(Dot1QView<>::checked(p)); });
            auto t = Dot1QView<>::checked(body);
            REQUIRE(t);
            type = t->ethertype();
            body = t->payload();
        }
        if (type == EtherType::arp) {
            each_prefix(body, 28, [](Bytes p) { CHECK_FALSE(ArpView<>::checked(p)); });
            continue;
        }
        REQUIRE(type == EtherType::ipv4);
        auto v = Ipv4View<>::checked(body);
        REQUIRE(v);
        each_prefix(body, v->total_len(), [](Bytes p) { CHECK_FALSE(Ipv4View<>::checked(p)); });
        each_prefix(body, v->header_len(),
                    [](Bytes p) { CHECK_FALSE(Ipv4View<>::checked_quote(p)); });
        if (v->protocol() == IpProtocol::icmp && !v->is_fragment()) {
            each_prefix(v->payload(), 8, [](Bytes p) { CHECK_FALSE(IcmpView<>::checked(p)); });
        }
    }
}
