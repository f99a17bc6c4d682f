// MessageBuilder: writes a DNS message into a caller-provided buffer, no
// allocation. Header fields are set directly; entries are appended in
// section order and the header counts follow. Names are compressed on emit
// (RFC 1035 §4.1.4): each name reuses the longest suffix already written,
// found through a fixed table of the offsets of labels written so far.
//
// Every add_* returns Result<void>; on failure the builder is left exactly as
// before the call (a server can fill a response until ("buffer",
// buffer_too_small) and then set TC, RFC 2181 §9). Errors: ("buffer",
// buffer_too_small), ("section", bad_value) for an entry added to a section
// that is already closed, ("count", too_big) past 65535 entries, text name
// errors from Name::parse, ("txt_string", too_big) for a TXT string over 255,
// ("rdlength", too_big) for RDATA over 65535.
//
// Compression choices: names are matched byte-exactly (case preserved, so a
// query's 0x20 case pattern is echoed, RFC 4343 §4.1); names in RDATA are
// compressed only for the RFC 1035 types (NS, CNAME, PTR, MX, SOA); SRV
// (RFC 2782) and DNAME (RFC 6672 §2.5) targets are written in full, as RFC
// 3597 §4 asks for types defined later, but still serve as pointer targets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include <strata/addr/ipv4_address.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/port.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/dns/fields.hpp>
#include <strata/wire/dns/header.hpp>
#include <strata/wire/dns/name.hpp>
#include <strata/wire/dns/rdata.hpp>
#include <strata/wire/dns/record.hpp>
#include <strata/wire/dns/types.hpp>

namespace strata::dns {

/// A name argument: dotted text, an owned Name or a NameView.
class NameArg {
    std::string_view text_;
    const Name* name_ = nullptr;
    NameView view_;
    enum class Kind : std::uint8_t { text, name, view } kind_;

public:
    NameArg(const char* text) noexcept : text_(text), kind_(Kind::text) {}
    NameArg(std::string_view text) noexcept : text_(text), kind_(Kind::text) {}
    NameArg(const std::string& text) noexcept : text_(text), kind_(Kind::text) {}
    NameArg(const Name& n) noexcept : name_(&n), kind_(Kind::name) {}
    NameArg(NameView v) noexcept : view_(v), kind_(Kind::view) {}

    /// The name, parsed into `scratch` when needed.
    [[nodiscard]] Result<const Name*> resolve(Name& scratch) const noexcept {
        switch (kind_) {
        case Kind::name:
            return name_;
        case Kind::view:
            scratch = view_.to_name();
            return &scratch;
        case Kind::text:
            break;
        }
        Error e;
        if (!Name::parse_into(text_, scratch, e)) return e;
        return &scratch;
    }
};

/// Owner, TTL and class of a record being added.
struct RrSpec {
    NameArg name;
    std::uint32_t ttl = 0;
    RrClass cls = RrClass::in;
};

/// SOA numbers (RFC 1035 §3.3.13).
struct SoaTimes {
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
};

/// OPT pseudo-record contents (RFC 6891 §6.1.2); owner is the root.
struct OptSpec {
    std::uint16_t udp_payload_size = 1232; ///< DNS Flag Day 2020 default
    std::uint8_t extended_rcode = 0;
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    std::span<const EdnsOption> options{};
};

class MessageBuilder {
public:
    /// Capacity of the compression table (label offsets remembered). When
    /// full, later names still compress against what is in it.
    static constexpr std::size_t compression_slots = 64;

    /// Zeroes the header if the buffer can hold one; a buffer shorter than 12
    /// bytes makes every add_* and finish() fail with buffer_too_small.
    /// Only the first 65535 bytes are used: a message must fit the TCP
    /// length prefix (RFC 1035 §4.2.2) and MessageView's 16-bit offsets.
    explicit MessageBuilder(MutBytes buf) noexcept
        : buf_(buf.first(buf.size() < max_message_len ? buf.size() : max_message_len)) {
        if (buf_.size() >= header_len) {
            for (std::size_t i = 0; i < header_len; ++i)
                buf_[i] = 0;
            pos_ = header_len;
        }
    }

    // --- header (RFC 1035 §4.1.1); no-ops on a buffer without room for it ---
    void set_header(const Header& h) noexcept {
        if (!ok()) return;
        Header c = h;
        c.qdcount = counts_[0];
        c.ancount = counts_[1];
        c.nscount = counts_[2];
        c.arcount = counts_[3];
        c.emit(buf_);
    }
    void set_id(std::uint16_t id) noexcept {
        if (ok()) store_be16(buf_.data() + header_field::id.first, id);
    }
    void set_flags(std::uint16_t f) noexcept {
        if (ok()) store_be16(buf_.data() + header_field::flags.first, f);
    }
    [[nodiscard]] std::uint16_t flags() const noexcept {
        return ok() ? load_be16(buf_.data() + header_field::flags.first) : 0;
    }
    void set_qr(bool v) noexcept { set_bit(flag::qr, v); }
    void set_aa(bool v) noexcept { set_bit(flag::aa, v); }
    void set_tc(bool v) noexcept { set_bit(flag::tc, v); }
    void set_rd(bool v) noexcept { set_bit(flag::rd, v); }
    void set_ra(bool v) noexcept { set_bit(flag::ra, v); }
    void set_ad(bool v) noexcept { set_bit(flag::ad, v); }
    void set_cd(bool v) noexcept { set_bit(flag::cd, v); }
    void set_opcode(Opcode o) noexcept {
        const unsigned f = flags();
        set_flags(static_cast<std::uint16_t>(
            (f & ~unsigned{flag::opcode_mask}) |
            ((static_cast<unsigned>(o) << flag::opcode_shift) & flag::opcode_mask)));
    }
    void set_rcode(Rcode r) noexcept {
        const unsigned f = flags();
        set_flags(static_cast<std::uint16_t>((f & ~unsigned{flag::rcode_mask}) |
                                             (static_cast<unsigned>(r) & flag::rcode_mask)));
    }
    /// Turns name compression off (or back on) for the names added next.
    void set_compression(bool on) noexcept { compress_ = on; }

    // --- entries ---
    Result<void> add_question(const NameArg& name, RrType type,
                              RrClass cls = RrClass::in) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(open(Section::question));
        STRATA_TRY_VOID(put_name(name, compress_));
        STRATA_TRY_VOID(room(question_fixed_len));
        put16(static_cast<std::uint16_t>(type));
        put16(static_cast<std::uint16_t>(cls));
        bump(Section::question);
        t.commit();
        return {};
    }

    Result<void> add_a(Section s, const RrSpec& rr, Ipv4Address a) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::a));
        STRATA_TRY_VOID(room(4));
        a.to_bytes(buf_.data() + pos_);
        pos_ += 4;
        return end_rr(s, t);
    }

    Result<void> add_aaaa(Section s, const RrSpec& rr, const std::array<Byte, 16>& a) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::aaaa));
        STRATA_TRY_VOID(put_bytes(Bytes{a}));
        return end_rr(s, t);
    }

    /// NS, CNAME, PTR or DNAME (`type` says which).
    Result<void> add_name_record(Section s, const RrSpec& rr, RrType type,
                                 const NameArg& target) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, type));
        STRATA_TRY_VOID(put_name(target, compress_ && type != RrType::dname));
        return end_rr(s, t);
    }
    Result<void> add_ns(Section s, const RrSpec& rr, const NameArg& ns) noexcept {
        return add_name_record(s, rr, RrType::ns, ns);
    }
    Result<void> add_cname(Section s, const RrSpec& rr, const NameArg& target) noexcept {
        return add_name_record(s, rr, RrType::cname, target);
    }
    Result<void> add_ptr(Section s, const RrSpec& rr, const NameArg& target) noexcept {
        return add_name_record(s, rr, RrType::ptr, target);
    }
    Result<void> add_dname(Section s, const RrSpec& rr, const NameArg& target) noexcept {
        return add_name_record(s, rr, RrType::dname, target);
    }

    Result<void> add_mx(Section s, const RrSpec& rr, std::uint16_t preference,
                        const NameArg& exchange) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::mx));
        STRATA_TRY_VOID(room(2));
        put16(preference);
        STRATA_TRY_VOID(put_name(exchange, compress_));
        return end_rr(s, t);
    }

    Result<void> add_soa(Section s, const RrSpec& rr, const NameArg& mname, const NameArg& rname,
                         const SoaTimes& times) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::soa));
        STRATA_TRY_VOID(put_name(mname, compress_));
        STRATA_TRY_VOID(put_name(rname, compress_));
        STRATA_TRY_VOID(room(20));
        put32(times.serial);
        put32(times.refresh);
        put32(times.retry);
        put32(times.expire);
        put32(times.minimum);
        return end_rr(s, t);
    }

    /// One or more <character-string>s, each at most 255 bytes.
    Result<void> add_txt(Section s, const RrSpec& rr,
                         std::span<const std::string_view> strings) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::txt));
        for (std::string_view str : strings) {
            if (str.size() > 255)
                return Error::at(dns_field::txt_string, pos_, Errc::too_big, str.size(), 255);
            STRATA_TRY_VOID(room(1 + str.size()));
            buf_[pos_++] = static_cast<Byte>(str.size());
            for (char c : str)
                buf_[pos_++] = static_cast<Byte>(c);
        }
        return end_rr(s, t);
    }
    Result<void> add_txt(Section s, const RrSpec& rr,
                         std::initializer_list<std::string_view> strings) noexcept {
        return add_txt(s, rr, std::span<const std::string_view>{strings.begin(), strings.size()});
    }

    Result<void> add_srv(Section s, const RrSpec& rr, std::uint16_t priority, std::uint16_t weight,
                         Port port, const NameArg& target) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, RrType::srv));
        STRATA_TRY_VOID(room(6));
        put16(priority);
        put16(weight);
        put16(port.value());
        STRATA_TRY_VOID(put_name(target, false));
        return end_rr(s, t);
    }

    /// The OPT pseudo-record, in the additional section (RFC 6891 §6.1.1).
    Result<void> add_opt(const OptSpec& o) noexcept {
        Txn t{*this};
        const std::uint32_t ttl = (std::uint32_t{o.extended_rcode} << 24) |
                                  (std::uint32_t{o.version} << 16) | (o.dnssec_ok ? 0x8000u : 0u);
        static const Name root{};
        STRATA_TRY_VOID(begin_rr(Section::additional,
                                 RrSpec{root, ttl, static_cast<RrClass>(o.udp_payload_size)},
                                 RrType::opt));
        for (const EdnsOption& e : o.options) {
            if (e.data.size() > 0xffff)
                return Error::at(dns_field::edns_option, pos_, Errc::too_big, e.data.size(),
                                 0xffff);
            STRATA_TRY_VOID(room(4));
            put16(e.code);
            put16(static_cast<std::uint16_t>(e.data.size()));
            STRATA_TRY_VOID(put_bytes(e.data));
        }
        return end_rr(Section::additional, t);
    }

    /// Any type with RDATA given as bytes (RFC 3597); nothing in it is
    /// compressed or interpreted.
    Result<void> add_raw(Section s, const RrSpec& rr, RrType type, Bytes rdata) noexcept {
        Txn t{*this};
        STRATA_TRY_VOID(begin_rr(s, rr, type));
        STRATA_TRY_VOID(put_bytes(rdata));
        return end_rr(s, t);
    }

    /// Copies a parsed record, decoding its RDATA so names are re-compressed
    /// against this message. Errors of decode_rdata are returned as they are.
    Result<void> add_record(Section s, const Record& r) noexcept {
        auto d = decode_rdata(r);
        if (!d) return d.error();
        const RrSpec rr{r.name, r.ttl, r.cls};
        if (auto* a = std::get_if<ARdata>(&*d)) return add_a(s, rr, a->address);
        if (auto* a = std::get_if<AaaaRdata>(&*d)) return add_aaaa(s, rr, a->address);
        if (auto* n = std::get_if<NameRdata>(&*d)) return add_name_record(s, rr, r.type, n->name);
        if (auto* m = std::get_if<MxRdata>(&*d)) return add_mx(s, rr, m->preference, m->exchange);
        if (auto* so = std::get_if<SoaRdata>(&*d))
            return add_soa(s, rr, so->mname, so->rname,
                           SoaTimes{so->serial, so->refresh, so->retry, so->expire, so->minimum});
        if (auto* v = std::get_if<SrvRdata>(&*d))
            return add_srv(s, rr, v->priority, v->weight, v->port, v->target);
        // TXT, OPT (class and TTL carry its fields) and unknown types: bytes as they are.
        return add_raw(s, rr, r.type, r.rdata());
    }

    /// Bytes written so far.
    [[nodiscard]] std::size_t size() const noexcept { return pos_; }
    /// The message written so far. Error: ("buffer", buffer_too_small) when
    /// the buffer could not even hold the header.
    [[nodiscard]] Result<MutBytes> finish() const noexcept {
        if (!ok()) return too_small(header_len);
        return buf_.first(pos_);
    }

private:
    MutBytes buf_;
    std::size_t pos_ = 0;
    std::array<std::uint16_t, compression_slots> table_{};
    std::size_t table_n_ = 0;
    std::array<std::uint16_t, 4> counts_{};
    Section section_ = Section::question;
    bool compress_ = true;
    std::size_t rdlen_at_ = 0; // offset of the RDLENGTH being filled

    /// Restores position, table and section unless committed.
    struct Txn {
        MessageBuilder& b;
        std::size_t pos = b.pos_;
        std::size_t table_n = b.table_n_;
        Section section = b.section_;
        bool done = false;
        void commit() noexcept { done = true; }
        ~Txn() {
            if (!done) {
                b.pos_ = pos;
                b.table_n_ = table_n;
                b.section_ = section;
            }
        }
    };

    [[nodiscard]] bool ok() const noexcept { return pos_ >= header_len; }
    [[nodiscard]] Error too_small(std::size_t need) const noexcept {
        return Error::at(dns_field::buffer, pos_, Errc::buffer_too_small, need, buf_.size());
    }
    void set_bit(std::uint16_t mask, bool on) noexcept {
        const std::uint16_t f = flags();
        set_flags(static_cast<std::uint16_t>(on ? (f | mask) : (f & ~mask)));
    }
    Result<void> room(std::size_t n) const noexcept {
        if (!ok()) return too_small(header_len);
        if (buf_.size() - pos_ < n) return too_small(pos_ + n);
        return {};
    }
    void put16(std::uint16_t v) noexcept {
        store_be16(buf_.data() + pos_, v);
        pos_ += 2;
    }
    void put32(std::uint32_t v) noexcept {
        store_be32(buf_.data() + pos_, v);
        pos_ += 4;
    }
    Result<void> put_bytes(Bytes b) noexcept {
        STRATA_TRY_VOID(room(b.size()));
        for (std::size_t i = 0; i < b.size(); ++i)
            buf_[pos_ + i] = b[i];
        pos_ += b.size();
        return {};
    }
    Result<void> open(Section s) noexcept {
        if (!ok()) return too_small(header_len);
        if (s < section_)
            return Error::at(dns_field::section, pos_, Errc::bad_value, static_cast<unsigned>(s),
                             static_cast<unsigned>(section_));
        const std::size_t i = static_cast<std::size_t>(s);
        if (counts_[i] == 0xffff)
            return Error::at(dns_field::count, pos_, Errc::too_big, 0x10000, 0xffff);
        section_ = s;
        return {};
    }
    void bump(Section s) noexcept {
        const std::size_t i = static_cast<std::size_t>(s);
        ++counts_[i];
        store_be16(buf_.data() + header_field::qdcount.first + 2 * i, counts_[i]);
    }
    Result<void> begin_rr(Section s, const RrSpec& rr, RrType type) noexcept {
        if (s == Section::question)
            return Error::at(dns_field::section, pos_, Errc::bad_value, 0, 1);
        STRATA_TRY_VOID(open(s));
        STRATA_TRY_VOID(put_name(rr.name, compress_));
        STRATA_TRY_VOID(room(rr_fixed_len));
        put16(static_cast<std::uint16_t>(type));
        put16(static_cast<std::uint16_t>(rr.cls));
        put32(rr.ttl);
        rdlen_at_ = pos_;
        put16(0);
        return {};
    }
    Result<void> end_rr(Section s, Txn& t) noexcept {
        const std::size_t len = pos_ - rdlen_at_ - 2;
        if (len > 0xffff)
            return Error::at(dns_field::rdlength, rdlen_at_, Errc::too_big, len, 0xffff);
        store_be16(buf_.data() + rdlen_at_, static_cast<std::uint16_t>(len));
        bump(s);
        t.commit();
        return {};
    }

    /// Byte-exact equality of the uncompressed suffix `a` with the name at
    /// `off` in the output (which this builder wrote, so its pointers are sound).
    [[nodiscard]] bool suffix_matches(const Byte* a, std::size_t off) const noexcept {
        const Byte* b = buf_.data();
        for (;;) {
            off = detail::follow(b, off);
            const std::size_t n = std::size_t{a[0]} + 1;
            for (std::size_t i = 0; i < n; ++i)
                if (a[i] != b[off + i]) return false;
            if (n == 1) return true;
            a += n;
            off += n;
        }
    }

    Result<void> put_name(const NameArg& arg, bool compress) noexcept {
        Name scratch;
        auto r = arg.resolve(scratch);
        if (!r) return r.error();
        const Name& n = **r;
        const Byte* w = n.wire().data();
        // Label starts within the uncompressed form.
        std::array<std::uint8_t, 128> starts{};
        std::size_t k = 0;
        for (std::size_t i = 0; w[i] != 0; i += std::size_t{w[i]} + 1)
            starts[k++] = static_cast<std::uint8_t>(i);
        std::size_t match = k; // labels written in full before the pointer
        std::size_t target = 0;
        if (compress) {
            for (std::size_t i = 0; i < k && match == k; ++i)
                for (std::size_t e = 0; e < table_n_; ++e)
                    if (suffix_matches(w + starts[i], table_[e])) {
                        match = i;
                        target = table_[e];
                        break;
                    }
        }
        const std::size_t prefix = match < k ? starts[match] : n.length() - 1;
        STRATA_TRY_VOID(room(prefix + (match < k ? 2 : 1)));
        for (std::size_t i = 0; i < match; ++i) {
            const std::size_t off = pos_ + starts[i];
            // Pointers hold 14 bits (RFC 1035 §4.1.4): later labels cannot be targets.
            if (off <= 0x3fff && table_n_ < compression_slots)
                table_[table_n_++] = static_cast<std::uint16_t>(off);
        }
        for (std::size_t i = 0; i < prefix; ++i)
            buf_[pos_ + i] = w[i];
        pos_ += prefix;
        if (match < k) {
            put16(static_cast<std::uint16_t>(0xc000u | target));
        } else {
            buf_[pos_++] = 0;
        }
        return {};
    }
};

/// A standard query with one question, as a resolver sends it (RFC 1035
/// §4.1): ID, RD set by default, QDCOUNT 1. A payload writer: encode<> writes
/// it straight into the frame buffer, behind the UDP header, no copy:
///
///   encode<Ethernet<IPv4<UDP<DNS>>>>(buf, eth, ip, udp,
///       dns::Query{.id = 0x1234, .name = "www.example.com", .type = dns::RrType::a});
///
/// Errors: those of MessageBuilder::add_question (a bad name, no room).
struct Query {
    std::uint16_t id = 0;
    std::string_view name;
    RrType type = RrType::a;
    RrClass cls = RrClass::in;
    bool recursion_desired = true;

    [[nodiscard]] Result<std::size_t> write_to(MutBytes out) const noexcept {
        MessageBuilder b(out);
        b.set_id(id);
        b.set_rd(recursion_desired);
        if (auto r = b.add_question(name, type, cls); !r) return r.error();
        return b.size();
    }
};

/// Any message, built in place: `fill(MessageBuilder&) -> Result<void>` runs
/// on a builder over the bytes where the message goes (behind the UDP header
/// when given to encode<>), so a response is never built elsewhere and copied.
///
///   encode<Ethernet<IPv4<UDP<DNS>>>>(buf, eth, ip, udp, dns::Build{[&](auto& m) {
///       m.set_id(q.id()); m.set_qr(true);
///       return m.add_a(Section::answer, {"www.example.com", 300}, addr);
///   }});
template <class F>
struct Build {
    F fill;

    [[nodiscard]] Result<std::size_t> write_to(MutBytes out) const noexcept {
        MessageBuilder b(out);
        if (auto r = fill(b); !r) return r.error();
        return b.size();
    }
};
template <class F>
Build(F) -> Build<F>;

} // namespace strata::dns
