// DNS messages: header, the four sections, names (compression pointers),
// RDATA of every decoded type, EDNS(0), TCP framing, and a rebuild of the
// message with MessageBuilder that must read back the same.
// Input: a DNS message (the UDP payload).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <strata/wire/dns/builder.hpp>
#include <strata/wire/dns/header.hpp>
#include <strata/wire/dns/message.hpp>
#include <strata/wire/dns/name.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/record.hpp>
#include <strata/wire/dns/tcp_framing.hpp>

#include "fuzz_util.hpp"

using namespace strata;
using namespace strata::dns;

namespace {

// Every name that parses: its labels lie in the message, its text form reads
// back to the same name, and the owned copy agrees with the view.
std::string check_name(const NameView& n, Bytes msg) {
    STRATA_FUZZ_CHECK(n.length() >= 1 && n.length() <= max_name_len);
    STRATA_FUZZ_CHECK(n.wire_len() >= 1 && n.offset() + n.wire_len() <= msg.size());
    std::size_t labels = 0;
    std::size_t len = 1;
    for (const Bytes l : n.labels()) {
        STRATA_FUZZ_CHECK(!l.empty() && l.size() <= max_label_len);
        STRATA_FUZZ_CHECK(fuzz::within(l, msg));
        ++labels;
        len += l.size() + 1;
    }
    STRATA_FUZZ_CHECK(labels == n.label_count());
    STRATA_FUZZ_CHECK(len == n.length());
    STRATA_FUZZ_CHECK(n.is_root() == (labels == 0));

    const Name owned = n.to_name();
    STRATA_FUZZ_CHECK(owned.length() == n.length() && owned.label_count() == labels);
    std::vector<Byte> flat(n.length());
    n.copy_wire(flat.data());
    STRATA_FUZZ_CHECK(fuzz::same_bytes(flat, owned.wire()));
    auto from_wire = Name::from_wire(owned.wire());
    STRATA_FUZZ_CHECK(from_wire.has_value() && fuzz::same_bytes(from_wire->wire(), owned.wire()));

    // Text form (RFC 1035 §5.1 escapes) parses back to the same wire bytes.
    std::string text = n.to_string();
    STRATA_FUZZ_CHECK(owned.to_string() == text);
    auto parsed = Name::parse(text);
    STRATA_FUZZ_CHECK(parsed.has_value());
    STRATA_FUZZ_CHECK(fuzz::same_bytes(parsed->wire(), owned.wire()));
    STRATA_FUZZ_CHECK(n.equals(text) && owned.equals(text));
    return text;
}

// A comparable summary of one RDATA: the variant index and its contents,
// names as text (the bytes differ when compression differs).
std::string describe(const Rdata& d, Bytes msg) {
    std::string s = std::to_string(d.index()) + ":";
    auto raw = [&s](Bytes b) {
        for (Byte c : b)
            s += static_cast<char>(c);
    };
    auto num = [&s](std::uint64_t v) { s += std::to_string(v) + ","; };
    std::visit(
        [&](const auto& x) {
            using T = std::remove_cvref_t<decltype(x)>;
            if constexpr (std::is_same_v<T, RawRdata>) {
                STRATA_FUZZ_CHECK(fuzz::within(x.data, msg));
                raw(x.data);
            } else if constexpr (std::is_same_v<T, ARdata>) {
                num(x.address.value());
            } else if constexpr (std::is_same_v<T, AaaaRdata>) {
                raw(x.address);
            } else if constexpr (std::is_same_v<T, NameRdata>) {
                s += check_name(x.name, msg);
            } else if constexpr (std::is_same_v<T, MxRdata>) {
                num(x.preference);
                s += check_name(x.exchange, msg);
            } else if constexpr (std::is_same_v<T, SoaRdata>) {
                s += check_name(x.mname, msg) + " " + check_name(x.rname, msg) + " ";
                for (auto v : {x.serial, x.refresh, x.retry, x.expire, x.minimum})
                    num(v);
            } else if constexpr (std::is_same_v<T, SrvRdata>) {
                num(x.priority);
                num(x.weight);
                num(x.port.value());
                s += check_name(x.target, msg);
            } else if constexpr (std::is_same_v<T, TxtRdata>) {
                STRATA_FUZZ_CHECK(fuzz::within(x.data, msg));
                std::size_t total = 0;
                for (const Bytes str : x.strings()) {
                    STRATA_FUZZ_CHECK(fuzz::within(str, x.data));
                    total += 1 + str.size();
                }
                STRATA_FUZZ_CHECK(total == x.data.size());
                raw(x.data);
            } else if constexpr (std::is_same_v<T, OptRdata>) {
                num(x.udp_payload_size);
                num(x.extended_rcode);
                num(x.version);
                num(x.dnssec_ok);
                num(x.z);
                fuzz::keep(x.full_rcode(Rcode{}));
                std::size_t total = 0;
                for (const EdnsOption o : x.options()) {
                    STRATA_FUZZ_CHECK(fuzz::within(o.data, x.data));
                    total += 4 + o.data.size();
                }
                STRATA_FUZZ_CHECK(total == x.data.size());
                raw(x.data);
            }
        },
        d);
    return s;
}

// Every entry as text; false when the message does not parse to the end of
// its counts (then there is nothing to compare).
bool summarize(const MessageView<>& m, std::vector<std::string>& out) {
    const Bytes msg = m.bytes();
    for (const auto& q : m.questions()) {
        if (!q) {
            STRATA_FUZZ_CHECK(fuzz::well_formed(q.error()));
            return false;
        }
        out.push_back("Q " + check_name(q->name, msg) + " " +
                      std::to_string(static_cast<unsigned>(q->type)) + " " +
                      std::to_string(static_cast<unsigned>(q->cls)));
    }
    bool ok = true;
    for (Section s : {Section::answer, Section::authority, Section::additional}) {
        for (const auto& r : m.section(s)) {
            if (!r) {
                STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
                ok = false;
                break;
            }
            STRATA_FUZZ_CHECK(fuzz::within(r->rdata(), msg));
            STRATA_FUZZ_CHECK(r->rdata().size() == r->rdlength);
            STRATA_FUZZ_CHECK(r->end_offset() <= msg.size());
            std::string line =
                "R" + std::to_string(static_cast<unsigned>(s)) + " " + check_name(r->name, msg) +
                " " + std::to_string(static_cast<unsigned>(r->type)) + " " +
                std::to_string(static_cast<unsigned>(r->cls)) + " " + std::to_string(r->ttl) + " ";
            auto d = decode_rdata(*r);
            if (!d) {
                STRATA_FUZZ_CHECK(fuzz::well_formed(d.error()));
                ok = false;
                continue;
            }
            line += describe(*d, msg);
            out.push_back(std::move(line));
        }
        if (!ok) return false;
    }
    return ok;
}

void rebuild(const MessageView<>& m, const std::vector<std::string>& before) {
    std::vector<Byte> buf(max_message_len);
    MessageBuilder b{buf};
    b.set_header(m.header());
    for (const auto& q : m.questions())
        if (!b.add_question(q->name, q->type, q->cls)) return; // grew past 64 KiB
    for (Section s : {Section::answer, Section::authority, Section::additional})
        for (const auto& r : m.section(s))
            if (!b.add_record(s, *r)) return;
    auto done = b.finish();
    STRATA_FUZZ_CHECK(done.has_value());
    auto m2 = MessageView<>::checked(Bytes(*done));
    STRATA_FUZZ_CHECK(m2.has_value());
    STRATA_FUZZ_CHECK(m2->validate().has_value());
    STRATA_FUZZ_CHECK(m2->header() == m.header());
    std::vector<std::string> after;
    STRATA_FUZZ_CHECK(summarize(*m2, after));
    STRATA_FUZZ_CHECK(after == before);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};

    // TCP framing (RFC 1035 §4.2.2): of the input as a stream, and of the
    // input as one message.
    if (auto f = tcp_deframe(in)) {
        STRATA_FUZZ_CHECK(f->consumed <= size && f->consumed == f->message.size() + 2);
        STRATA_FUZZ_CHECK(fuzz::within(f->message, in));
    }
    if (size <= max_message_len) {
        std::vector<Byte> framed(size + tcp_prefix_len);
        auto n = tcp_frame(framed, in);
        STRATA_FUZZ_CHECK(n.has_value() && *n == framed.size());
        auto f = tcp_deframe(Bytes(framed));
        STRATA_FUZZ_CHECK(f.has_value() && fuzz::same_bytes(f->message, in));
    }

    auto h = Header::parse(in);
    auto m = MessageView<>::checked(in);
    STRATA_FUZZ_CHECK(h.has_value() == m.has_value() || size > max_message_len);
    if (!m) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(m.error()));
        return 0;
    }
    // Header: getters agree with the parsed struct, which emits the same 12 bytes.
    const Header hd = m->header();
    STRATA_FUZZ_CHECK(hd.id == m->id() && hd.flags() == m->flags());
    STRATA_FUZZ_CHECK(hd.qdcount == m->qdcount() && hd.ancount == m->ancount() &&
                      hd.nscount == m->nscount() && hd.arcount == m->arcount());
    fuzz::keep(m->qr());
    fuzz::keep(m->opcode());
    fuzz::keep(m->aa());
    fuzz::keep(m->tc());
    fuzz::keep(m->rd());
    fuzz::keep(m->ra());
    fuzz::keep(m->z());
    fuzz::keep(m->ad());
    fuzz::keep(m->cd());
    fuzz::keep(m->rcode());
    std::array<Byte, header_len> hb{};
    hd.emit(hb);
    STRATA_FUZZ_CHECK(fuzz::same_bytes(hb, in.first(header_len)));

    // records() is answers, authorities and additionals in one pass; an
    // error ends a range after being yielded once (also for an empty range
    // behind a question section that cannot be stepped over).
    std::size_t n_records = 0;
    std::size_t n_errors = 0;
    for (const auto& r : m->records()) {
        if (!r) {
            STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
            ++n_errors;
        } else {
            ++n_records;
        }
        STRATA_FUZZ_CHECK(n_errors <= 1);
    }
    STRATA_FUZZ_CHECK(n_records <= std::size_t{m->ancount()} + m->nscount() + m->arcount());

    if (auto o = m->opt(); o && *o) {
        fuzz::keep((*o)->full_rcode(m->rcode()));
    } else if (!o) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(o.error()));
    }

    std::vector<std::string> entries;
    const bool all = summarize(*m, entries);
    const auto valid = m->validate();
    STRATA_FUZZ_CHECK(valid.has_value() == all);
    if (all) rebuild(*m, entries);
    return 0;
}
