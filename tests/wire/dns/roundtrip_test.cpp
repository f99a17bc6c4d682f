// Build -> parse -> equal for every RR type; builder limits and rollback;
// RDATA length checks; TCP framing.
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <range/v3/iterator/operations.hpp>

#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/tcp_framing.hpp>

using namespace strata;
using namespace strata::dns;

namespace {

std::vector<Record> all_records(const MessageView<>& m) {
    std::vector<Record> out;
    for (const auto& r : m.records()) {
        REQUIRE(r);
        out.push_back(*r);
    }
    return out;
}

template <class T>
T decoded(const Record& r) {
    auto d = decode_rdata(r);
    REQUIRE(d);
    REQUIRE(std::holds_alternative<T>(*d));
    return std::get<T>(*d);
}

constexpr std::array<Byte, 16> v6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};

/// A message with every type this code knows plus an unknown one.
Result<MutBytes> build_everything(MutBytes buf) {
    MessageBuilder b{buf};
    b.set_id(0xbeef);
    b.set_qr(true);
    b.set_opcode(Opcode::query);
    b.set_aa(true);
    b.set_rd(true);
    b.set_ra(true);
    b.set_ad(true);
    b.set_cd(true);
    b.set_rcode(Rcode::refused);
    STRATA_TRY_VOID(b.add_question("www.example.com", RrType::any));
    STRATA_TRY_VOID(b.add_a(Section::answer, {"www.example.com", 300}, Ipv4Address(192, 0, 2, 7)));
    STRATA_TRY_VOID(b.add_aaaa(Section::answer, {"www.example.com", 301}, v6));
    STRATA_TRY_VOID(b.add_cname(Section::answer, {"alias.example.com", 302}, "www.example.com"));
    STRATA_TRY_VOID(b.add_ptr(Section::answer, {"7.2.0.192.in-addr.arpa", 303}, "www.example.com"));
    STRATA_TRY_VOID(b.add_dname(Section::answer, {"old.example.com", 304}, "new.example.net"));
    STRATA_TRY_VOID(b.add_mx(Section::answer, {"example.com", 305}, 10, "mail.example.com"));
    const std::array<std::string_view, 3> txt{"v=spf1 -all", "", "third"};
    STRATA_TRY_VOID(b.add_txt(Section::answer, {"example.com", 306}, txt));
    STRATA_TRY_VOID(b.add_srv(Section::answer, {"_sip._udp.example.com", 307}, 1, 2, Port{5060},
                              "sip.example.com"));
    const std::array<Byte, 3> raw{0xde, 0xad, 0x00};
    STRATA_TRY_VOID(b.add_raw(Section::answer, {"example.com", 308, RrClass::ch},
                              static_cast<RrType>(65280), raw));
    STRATA_TRY_VOID(b.add_soa(Section::authority, {"example.com", 309}, "ns1.example.com",
                              "hostmaster.example.com",
                              SoaTimes{2026112201u, 7200, 900, 1209600, 300}));
    STRATA_TRY_VOID(b.add_ns(Section::authority, {"example.com", 310}, "ns1.example.com"));
    STRATA_TRY_VOID(
        b.add_a(Section::additional, {"ns1.example.com", 311}, Ipv4Address(192, 0, 2, 53)));
    const std::array<Byte, 8> cookie{1, 2, 3, 4, 5, 6, 7, 8};
    const std::array<EdnsOption, 2> opts{EdnsOption{10, cookie}, EdnsOption{12, Bytes{}}};
    STRATA_TRY_VOID(b.add_opt(OptSpec{4096, 0x01, 0, true, opts}));
    return b.finish();
}

} // namespace

TEST_CASE("every RR type survives build -> parse", "[dns][roundtrip]") {
    std::array<Byte, 1024> buf{};
    auto out = build_everything(buf);
    REQUIRE(out);
    auto mv = MessageView<>::checked(Bytes{*out});
    REQUIRE(mv);
    const auto& m = *mv;
    REQUIRE(m.validate());

    CHECK(m.id() == 0xbeef);
    CHECK(m.qr());
    CHECK(m.aa());
    CHECK_FALSE(m.tc());
    CHECK(m.rd());
    CHECK(m.ra());
    CHECK_FALSE(m.z());
    CHECK(m.ad());
    CHECK(m.cd());
    CHECK(m.rcode() == Rcode::refused);
    // QR|AA|RD|RA|AD|CD|REFUSED = 0x8000|0x0400|0x0100|0x0080|0x0020|0x0010|5
    CHECK(m.flags() == 0x85b5);
    CHECK(m.qdcount() == 1);
    CHECK(m.ancount() == 9);
    CHECK(m.nscount() == 2);
    CHECK(m.arcount() == 2);

    for (const auto& q : m.questions()) {
        REQUIRE(q);
        CHECK(q->name.equals("www.example.com"));
        CHECK(q->type == RrType::any);
    }

    const auto rs = all_records(m);
    REQUIRE(rs.size() == 13);
    for (std::size_t i = 0; i + 1 < rs.size(); ++i) // all but OPT
        CHECK(rs[i].ttl == 300 + i);

    CHECK(rs[0].name.equals("www.example.com"));
    CHECK(rs[0].name.wire_len() == 2); // compressed against the question
    CHECK(decoded<ARdata>(rs[0]).address == Ipv4Address(192, 0, 2, 7));
    CHECK(decoded<AaaaRdata>(rs[1]).address == v6);
    CHECK(rs[2].type == RrType::cname);
    CHECK(rs[2].name.equals("alias.example.com"));
    CHECK(decoded<NameRdata>(rs[2]).name.equals("www.example.com"));
    CHECK(rs[2].rdlength == 2); // a pointer
    CHECK(rs[3].type == RrType::ptr);
    CHECK(decoded<NameRdata>(rs[3]).name.equals("www.example.com"));
    CHECK(rs[4].type == RrType::dname);
    CHECK(decoded<NameRdata>(rs[4]).name.equals("new.example.net"));
    CHECK(rs[4].rdlength == 17); // DNAME target never compressed (RFC 6672 §2.5)
    const auto mx = decoded<MxRdata>(rs[5]);
    CHECK(mx.preference == 10);
    CHECK(mx.exchange.equals("mail.example.com"));
    std::vector<std::string> strings;
    for (Bytes s : decoded<TxtRdata>(rs[6]).strings())
        strings.emplace_back(s.begin(), s.end());
    CHECK(strings == std::vector<std::string>{"v=spf1 -all", "", "third"});
    const auto srv = decoded<SrvRdata>(rs[7]);
    CHECK(srv.priority == 1);
    CHECK(srv.weight == 2);
    CHECK(srv.port == Port{5060});
    CHECK(srv.target.equals("sip.example.com"));
    CHECK(rs[7].rdlength == 6 + 17); // SRV target in full (RFC 2782)
    CHECK(rs[8].type == static_cast<RrType>(65280));
    CHECK(rs[8].cls == RrClass::ch);
    const auto raw = decoded<RawRdata>(rs[8]);
    CHECK(std::vector<Byte>(raw.data.begin(), raw.data.end()) == std::vector<Byte>{0xde, 0xad, 0});

    CHECK(rs[9].section == Section::authority);
    const auto soa = decoded<SoaRdata>(rs[9]);
    CHECK(soa.mname.equals("ns1.example.com"));
    CHECK(soa.rname.equals("hostmaster.example.com"));
    CHECK(soa.serial == 2026112201u);
    CHECK(soa.refresh == 7200);
    CHECK(soa.retry == 900);
    CHECK(soa.expire == 1209600);
    CHECK(soa.minimum == 300);
    CHECK(decoded<NameRdata>(rs[10]).name.equals("ns1.example.com"));
    CHECK(rs[11].section == Section::additional);
    CHECK(rs[11].name.equals("ns1.example.com"));
    CHECK(decoded<ARdata>(rs[11]).address == Ipv4Address(192, 0, 2, 53));

    CHECK(rs[12].type == RrType::opt);
    CHECK(rs[12].name.is_root());
    const auto opt = decoded<OptRdata>(rs[12]);
    CHECK(opt.udp_payload_size == 4096);
    CHECK(opt.extended_rcode == 1);
    CHECK(opt.version == 0);
    CHECK(opt.dnssec_ok);
    CHECK(opt.z == 0);
    // RFC 6891 §6.1.3: extended rcode 1 with header rcode 5 = (1 << 4) | 5 = 21.
    CHECK(static_cast<unsigned>(opt.full_rcode(m.rcode())) == 21);
    std::vector<std::pair<std::uint16_t, std::size_t>> options;
    for (const auto& o : opt.options())
        options.emplace_back(o.code, o.data.size());
    CHECK(options == std::vector<std::pair<std::uint16_t, std::size_t>>{{10, 8}, {12, 0}});
    // TTL word: ext rcode 0x01, version 0, DO -> 0x01008000.
    CHECK(rs[12].ttl == 0x01008000u);

    // The per-section ranges agree with records().
    std::size_t n = 0;
    for (const auto& r : m.answers())
        n += r ? 1 : 100;
    CHECK(n == 9);
    n = 0;
    for (const auto& r : m.authorities())
        n += r ? 1 : 100;
    CHECK(n == 2);
    n = 0;
    for (const auto& r : m.additionals())
        n += r ? 1 : 100;
    CHECK(n == 2);
}

TEST_CASE("add_record copies a parsed message into an equal one", "[dns][roundtrip]") {
    std::array<Byte, 1024> buf{};
    auto first = build_everything(buf);
    REQUIRE(first);
    auto m1 = MessageView<>::checked(Bytes{*first});
    REQUIRE(m1);

    std::array<Byte, 1024> buf2{};
    MessageBuilder b{buf2};
    b.set_header(m1->header());
    for (const auto& q : m1->questions())
        REQUIRE(b.add_question(q->name, q->type, q->cls));
    for (const auto& r : m1->records())
        REQUIRE(b.add_record(r->section, *r));
    auto second = b.finish();
    REQUIRE(second);
    // The same builder choices make the same bytes.
    CHECK(std::vector<Byte>(first->begin(), first->end()) ==
          std::vector<Byte>(second->begin(), second->end()));
}

TEST_CASE("builder: buffer too small rolls back, sections stay ordered", "[dns][builder]") {
    std::array<Byte, 40> buf{};
    MessageBuilder b{buf};
    REQUIRE(b.add_question("www.example.com", RrType::a)); // 12 + 17 + 4 = 33
    CHECK(b.size() == 33);
    auto full = b.add_a(Section::answer, {"www.example.com", 60}, Ipv4Address(1, 2, 3, 4)); // +16
    REQUIRE_FALSE(full);
    CHECK(full.error().code == Errc::buffer_too_small);
    CHECK(full.error().field == "buffer");
    CHECK(b.size() == 33); // unchanged
    b.set_tc(true);
    auto out = b.finish();
    REQUIRE(out);
    auto m = MessageView<>::checked(Bytes{*out});
    REQUIRE(m);
    CHECK(m->ancount() == 0);
    CHECK(m->tc());
    CHECK(m->validate());

    std::array<Byte, 256> big{};
    MessageBuilder c{big};
    REQUIRE(c.add_a(Section::additional, {"a.example", 1}, Ipv4Address(1, 1, 1, 1)));
    auto late = c.add_question("a.example", RrType::a);
    REQUIRE_FALSE(late);
    CHECK(late.error().field == "section");
    auto back = c.add_a(Section::answer, {"a.example", 1}, Ipv4Address(1, 1, 1, 1));
    REQUIRE_FALSE(back);
    CHECK(back.error().field == "section");
    auto bad_name = c.add_a(Section::additional, {"a..example", 1}, Ipv4Address(1, 1, 1, 1));
    REQUIRE_FALSE(bad_name);
    CHECK(bad_name.error().field == "name_text");
    const std::string long_string(256, 'x');
    const std::array<std::string_view, 1> txt{long_string};
    auto big_txt = c.add_txt(Section::additional, {"a.example", 1}, txt);
    REQUIRE_FALSE(big_txt);
    CHECK(big_txt.error().field == "txt_string");
    CHECK(big_txt.error().code == Errc::too_big);
    auto o = c.finish();
    REQUIRE(o);
    CHECK(o->size() == 12 + 11 + 10 + 4);

    std::array<Byte, 8> tiny{};
    MessageBuilder t{tiny};
    CHECK_FALSE(t.add_question("a", RrType::a));
    auto f = t.finish();
    REQUIRE_FALSE(f);
    CHECK(f.error().code == Errc::buffer_too_small);
}

TEST_CASE("builder: every truncation of the output buffer fails cleanly", "[dns][builder]") {
    std::array<Byte, 1024> ref{};
    auto full = build_everything(ref);
    REQUIRE(full);
    for (std::size_t cap = 0; cap < full->size(); ++cap) {
        std::vector<Byte> buf(cap);
        auto r = build_everything(buf);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == Errc::buffer_too_small);
    }
}

TEST_CASE("RDLENGTH must match what the type consumes", "[dns][rdata]") {
    // Hand-made message: header with ANCOUNT 1, then a record owned by the
    // root (offset 12), TYPE/CLASS/TTL at 13..20, RDLENGTH at 21, RDATA at 23.
    auto make = [](std::uint16_t type, std::vector<Byte> rdata) {
        std::vector<Byte> m{0, 0, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
        m.push_back(static_cast<Byte>(type >> 8));
        m.push_back(static_cast<Byte>(type));
        m.insert(m.end(), {0, 1, 0, 0, 0, 60});
        m.push_back(static_cast<Byte>(rdata.size() >> 8));
        m.push_back(static_cast<Byte>(rdata.size()));
        m.insert(m.end(), rdata.begin(), rdata.end());
        return m;
    };
    auto rdata_error = [](const std::vector<Byte>& m) {
        auto v = MessageView<>::checked(Bytes{m});
        REQUIRE(v);
        for (const auto& r : v->answers()) {
            REQUIRE(r);
            auto d = decode_rdata(*r);
            REQUIRE_FALSE(d);
            return d.error();
        }
        FAIL("no record");
        return Error{};
    };
    auto e = rdata_error(make(1, {1, 2, 3}));
    CHECK(e.field == "rdlength");
    CHECK(e.code == Errc::bad_length);
    CHECK(e.offset == 21);
    CHECK(e.value == 3);
    CHECK(e.expected == 4);
    CHECK(rdata_error(make(28, std::vector<Byte>(15, 0))).expected == 16);
    // NS whose name ends before RDLENGTH does: 1 extra byte.
    e = rdata_error(make(2, {1, 'a', 0, 0xff}));
    CHECK(e.field == "rdlength");
    CHECK(e.expected == 3);
    // NS whose name runs past RDATA: reported as a truncated name.
    e = rdata_error(make(2, {3, 'a'}));
    CHECK(e.field == "name");
    CHECK(e.code == Errc::truncated);
    CHECK(e.offset == 23);
    // MX too short for the preference + a name.
    CHECK(rdata_error(make(15, {0, 1})).field == "rdlength");
    // SOA: 20 bytes of numbers missing.
    CHECK(rdata_error(make(6, {0, 0, 0, 0, 0, 0, 0, 0})).field == "rdlength");
    // SRV: 6 fixed bytes + name, here one extra byte.
    CHECK(rdata_error(make(33, {0, 1, 0, 2, 0, 3, 0, 9})).expected == 7);
    // TXT: empty RDATA and a string running past RDATA.
    CHECK(rdata_error(make(16, {})).field == "rdlength");
    e = rdata_error(make(16, {2, 'a', 'b', 5, 'x'}));
    CHECK(e.field == "txt_string");
    CHECK(e.offset == 26);
    // OPT: option header cut, option data cut.
    e = rdata_error(make(41, {0, 10, 0}));
    CHECK(e.field == "edns_option");
    CHECK(e.offset == 23);
    e = rdata_error(make(41, {0, 10, 0, 9, 1, 2}));
    CHECK(e.field == "edns_option");
    CHECK(e.value == 9);
    // Unknown types accept anything.
    const auto unknown = make(999, {1, 2, 3});
    auto v = MessageView<>::checked(Bytes{unknown});
    REQUIRE(v);
    CHECK(v->validate());
}

TEST_CASE("OPT must be owned by the root and appear once", "[dns][rdata]") {
    std::array<Byte, 128> buf{};
    MessageBuilder b{buf};
    REQUIRE(b.add_raw(Section::additional, {"x", 0, static_cast<RrClass>(512)}, RrType::opt, {}));
    auto m = MessageView<>::checked(Bytes{*b.finish()});
    REQUIRE(m);
    auto o = m->opt();
    REQUIRE_FALSE(o);
    CHECK(o.error().field == "opt_name");

    std::array<Byte, 128> buf2{};
    MessageBuilder c{buf2};
    REQUIRE(c.add_opt({}));
    REQUIRE(c.add_opt({}));
    auto m2 = MessageView<>::checked(Bytes{*c.finish()});
    REQUIRE(m2);
    auto o2 = m2->opt();
    REQUIRE_FALSE(o2);
    CHECK(o2.error().field == "opt");
    CHECK(o2.error().code == Errc::duplicate);
    CHECK(o2.error().offset == 12 + 11);
}

TEST_CASE("header as a value", "[dns][header]") {
    Header h;
    h.id = 0x1234;
    h.qr = true;
    h.opcode = Opcode::update;
    h.tc = true;
    h.z = true;
    h.rcode = Rcode::notauth;
    h.qdcount = 1;
    h.arcount = 3;
    // QR 0x8000 | opcode 5 << 11 = 0x2800 | TC 0x0200 | Z 0x0040 | 9
    CHECK(h.flags() == 0xaa49);
    std::array<Byte, 12> b{};
    h.emit(b);
    const std::array<Byte, 12> want{0x12, 0x34, 0xaa, 0x49, 0, 1, 0, 0, 0, 0, 0, 3};
    CHECK(b == want);
    auto back = Header::parse(b);
    REQUIRE(back);
    CHECK(*back == h);
    CHECK_FALSE(Header::parse(Bytes{b}.first(11)));

    // Setters on a mutable view.
    auto mv = MessageView<Byte>::checked(b);
    REQUIRE(mv);
    mv->set_id(0xabcd);
    mv->set_qr(false);
    mv->set_tc(false);
    mv->set_opcode(Opcode::notify);
    mv->set_rcode(Rcode::servfail);
    CHECK(mv->id() == 0xabcd);
    CHECK_FALSE(mv->qr());
    CHECK(mv->opcode() == Opcode::notify);
    CHECK(mv->rcode() == Rcode::servfail);
    CHECK(mv->z());
    CHECK(mv->flags() == ((4u << 11) | 0x0040u | 2u));
}

TEST_CASE("message checks", "[dns][message]") {
    std::array<Byte, 11> short_msg{};
    auto s = MessageView<>::checked(short_msg);
    REQUIRE_FALSE(s);
    CHECK(s.error().field == "header");
    CHECK(s.error().code == Errc::truncated);
    std::vector<Byte> huge(70000, 0);
    auto h = MessageView<>::checked(Bytes{huge});
    REQUIRE_FALSE(h);
    CHECK(h.error().field == "message");

    // Counts promising more than there is: the range yields the error once.
    std::array<Byte, 12> hdr{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0};
    auto m = MessageView<>::checked(hdr);
    REQUIRE(m);
    int items = 0;
    for (const auto& q : m->questions()) {
        ++items;
        REQUIRE_FALSE(q);
        CHECK(q.error().field == "name");
        CHECK(q.error().offset == 12);
    }
    CHECK(items == 1);
    // Reaching the answers needs the questions: that error surfaces there too.
    std::array<Byte, 12> hdr2{0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0};
    auto m2 = MessageView<>::checked(hdr2);
    REQUIRE(m2);
    items = 0;
    for (const auto& r : m2->answers()) {
        ++items;
        REQUIRE_FALSE(r);
        CHECK(r.error().field == "name");
    }
    CHECK(items == 1);
    CHECK_FALSE(m2->validate());
}

TEST_CASE("DNS over TCP length prefix", "[dns][tcp]") {
    const std::array<Byte, 5> msg{1, 2, 3, 4, 5};
    std::array<Byte, 16> stream{};
    auto n = tcp_frame(stream, msg);
    REQUIRE(n);
    CHECK(*n == 7);
    CHECK(stream[0] == 0);
    CHECK(stream[1] == 5);
    // A second message right after the first (RFC 7766 §6.2.1.1 pipelining).
    auto n2 = tcp_frame(MutBytes{stream}.subspan(7), Bytes{msg}.first(3));
    REQUIRE(n2);
    const Bytes all = Bytes{stream}.first(7 + 5);
    auto f1 = tcp_deframe(all);
    REQUIRE(f1);
    CHECK(f1->consumed == 7);
    CHECK(std::vector<Byte>(f1->message.begin(), f1->message.end()) ==
          std::vector<Byte>(msg.begin(), msg.end()));
    auto f2 = tcp_deframe(all.subspan(f1->consumed));
    REQUIRE(f2);
    CHECK(f2->message.size() == 3);
    CHECK(f2->consumed == 5);
    // Partial input says how much is needed.
    auto p = tcp_deframe(all.first(4));
    REQUIRE_FALSE(p);
    CHECK(p.error().field == "tcp_length");
    CHECK(p.error().code == Errc::truncated);
    CHECK(p.error().expected == 7);
    CHECK_FALSE(tcp_deframe(all.first(1)));
    std::array<Byte, 6> small{};
    auto too_small = tcp_frame(small, msg);
    REQUIRE_FALSE(too_small);
    CHECK(too_small.error().code == Errc::buffer_too_small);
    CHECK_FALSE(write_tcp_prefix(small, 70000));
    REQUIRE(write_tcp_prefix(small, 0x1234));
    CHECK(small[0] == 0x12);
    CHECK(small[1] == 0x34);
}

TEST_CASE("section ranges are lazy forward ranges", "[dns][message]") {
    static_assert(ranges::forward_range<RecordRange>);
    static_assert(ranges::forward_range<QuestionRange>);
    static_assert(ranges::forward_range<LabelRange>);
    static_assert(ranges::forward_range<CharacterStringRange>);
    static_assert(ranges::forward_range<EdnsOptionRange>);

    std::array<Byte, 1024> buf{};
    auto out = build_everything(buf);
    REQUIRE(out);
    auto m = MessageView<>::checked(Bytes{*out});
    REQUIRE(m);
    // Stepping without dereferencing reaches the same records, and a copy of
    // an iterator walks on independently (multipass).
    auto rs = m->records();
    auto it = rs.begin();
    ++it;
    ++it;
    auto copy = it;
    CHECK((*it)->type == RrType::cname);
    ++it;
    CHECK((*it)->type == RrType::ptr);
    CHECK((*copy)->type == RrType::cname);
    std::size_t n = 0;
    for (auto i = rs.begin(); i != rs.end(); ++i)
        ++n;
    CHECK(n == 13);
    CHECK(ranges::distance(m->authorities()) == 2);

    // The builder's scratch name parser leaves the root behind on failure.
    Name name = *Name::parse("x.example");
    Error e;
    CHECK_FALSE(Name::parse_into("a..b", name, e));
    CHECK(e.field == "name_text");
    CHECK(name.is_root());
    CHECK(name.length() == 1);
}

TEST_CASE("compression only points below 0x4000", "[dns][builder]") {
    // Pointers hold 14 bits (RFC 1035 §4.1.4): a label written at or after
    // offset 0x4000 cannot be a target, an earlier one still can.
    std::vector<Byte> buf(70000);
    MessageBuilder b{buf};
    REQUIRE(b.add_question("example.com", RrType::a)); // "example" at 12
    const std::vector<Byte> filler(4000, 0xab);
    while (b.size() < 0x4000)
        REQUIRE(b.add_raw(Section::answer, {"example.com", 1}, static_cast<RrType>(65280), filler));
    const std::size_t first_new = b.size();
    REQUIRE(first_new > 0x3fff);
    REQUIRE(b.add_a(Section::answer, {"new.example.com", 1}, Ipv4Address(1, 1, 1, 1)));
    const std::size_t second_new = b.size();
    REQUIRE(b.add_a(Section::answer, {"new.example.com", 1}, Ipv4Address(1, 1, 1, 1)));
    auto out = b.finish();
    REQUIRE(out);
    auto m = MessageView<>::checked(Bytes{*out});
    REQUIRE(m);
    REQUIRE(m->validate());
    // Both owners: "new" in full (4 bytes) + pointer to "example.com" at 12.
    const std::vector<Byte> want{3, 'n', 'e', 'w', 0xc0, 12};
    CHECK(std::vector<Byte>(out->begin() + static_cast<long>(first_new),
                            out->begin() + static_cast<long>(first_new) + 6) == want);
    CHECK(std::vector<Byte>(out->begin() + static_cast<long>(second_new),
                            out->begin() + static_cast<long>(second_new) + 6) == want);

    // The builder never writes past 65535 bytes, whatever the buffer.
    std::vector<Byte> huge(100000);
    MessageBuilder h{huge};
    const std::vector<Byte> big(60000, 1);
    REQUIRE(h.add_raw(Section::answer, {".", 1}, static_cast<RrType>(65280), big));
    auto over = h.add_raw(Section::answer, {".", 1}, static_cast<RrType>(65280), big);
    REQUIRE_FALSE(over);
    CHECK(over.error().code == Errc::buffer_too_small);
}
