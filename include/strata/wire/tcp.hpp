// TCP (RFC 9293 §3.1): a zero-copy view over a segment, the control bits as
// a value type, and the header (with the options we speak) as a value.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Source Port          |       Destination Port        |
// |                        Sequence Number                        |
// |                    Acknowledgment Number                      |
// |  DOff |Rsrv |N|C|E|U|A|P|R|S|F|            Window             |
// |           Checksum            |         Urgent Pointer        |
// |                     Options (0..40 bytes)                     |
//
// The view is handed the IP payload; the checksum covers the IPv4
// pseudo-header (with that payload's length), the header and the data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <strata/addr/ipv4_address.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/ip_protocol.hpp>
#include <strata/core/port.hpp>
#include <strata/core/result.hpp>
#include <strata/core/seq_num.hpp>
#include <strata/wire/tcp_options.hpp>

namespace strata {

/// The nine control bits (RFC 9293 §3.1; ECE/CWR RFC 3168; NS RFC 3540, now
/// reserved by RFC 8311 and reused as AE by AccECN). Bit i of bits() is the
/// i-th bit counted from FIN, so bits() & 0xff is byte 13 of the header.
class TcpFlags {
    std::uint16_t v_ = 0;

public:
    static constexpr std::uint16_t fin_bit = 0x001;
    static constexpr std::uint16_t syn_bit = 0x002;
    static constexpr std::uint16_t rst_bit = 0x004;
    static constexpr std::uint16_t psh_bit = 0x008;
    static constexpr std::uint16_t ack_bit = 0x010;
    static constexpr std::uint16_t urg_bit = 0x020;
    static constexpr std::uint16_t ece_bit = 0x040;
    static constexpr std::uint16_t cwr_bit = 0x080;
    static constexpr std::uint16_t ns_bit = 0x100;
    static constexpr std::uint16_t all_bits = 0x1ff;

    constexpr TcpFlags() = default;
    /// Bits outside all_bits are dropped.
    constexpr explicit TcpFlags(std::uint16_t bits) noexcept
        : v_(static_cast<std::uint16_t>(bits & all_bits)) {}

    [[nodiscard]] constexpr std::uint16_t bits() const noexcept { return v_; }
    [[nodiscard]] constexpr bool fin() const noexcept { return v_ & fin_bit; }
    [[nodiscard]] constexpr bool syn() const noexcept { return v_ & syn_bit; }
    [[nodiscard]] constexpr bool rst() const noexcept { return v_ & rst_bit; }
    [[nodiscard]] constexpr bool psh() const noexcept { return v_ & psh_bit; }
    [[nodiscard]] constexpr bool ack() const noexcept { return v_ & ack_bit; }
    [[nodiscard]] constexpr bool urg() const noexcept { return v_ & urg_bit; }
    [[nodiscard]] constexpr bool ece() const noexcept { return v_ & ece_bit; }
    [[nodiscard]] constexpr bool cwr() const noexcept { return v_ & cwr_bit; }
    [[nodiscard]] constexpr bool ns() const noexcept { return v_ & ns_bit; }
    /// True when every bit of `f` is set here.
    [[nodiscard]] constexpr bool has(TcpFlags f) const noexcept { return (v_ & f.v_) == f.v_; }
    [[nodiscard]] constexpr bool any(TcpFlags f) const noexcept { return (v_ & f.v_) != 0; }
    [[nodiscard]] constexpr bool empty() const noexcept { return v_ == 0; }
    /// This value with the bits of `f` set (on) or cleared (off).
    [[nodiscard]] constexpr TcpFlags with(TcpFlags f, bool on = true) const noexcept {
        return TcpFlags{static_cast<std::uint16_t>(on ? (v_ | f.v_) : (v_ & ~f.v_))};
    }

    friend constexpr TcpFlags operator|(TcpFlags a, TcpFlags b) noexcept {
        return TcpFlags{static_cast<std::uint16_t>(a.v_ | b.v_)};
    }
    friend constexpr TcpFlags operator&(TcpFlags a, TcpFlags b) noexcept {
        return TcpFlags{static_cast<std::uint16_t>(a.v_ & b.v_)};
    }
    friend constexpr TcpFlags operator~(TcpFlags a) noexcept {
        return TcpFlags{static_cast<std::uint16_t>(~a.v_)};
    }
    constexpr TcpFlags& operator|=(TcpFlags b) noexcept { return *this = *this | b; }
    constexpr TcpFlags& operator&=(TcpFlags b) noexcept { return *this = *this & b; }
    friend constexpr bool operator==(TcpFlags, TcpFlags) = default;
};

namespace tcp_flags {
inline constexpr TcpFlags none{};
inline constexpr TcpFlags fin{TcpFlags::fin_bit};
inline constexpr TcpFlags syn{TcpFlags::syn_bit};
inline constexpr TcpFlags rst{TcpFlags::rst_bit};
inline constexpr TcpFlags psh{TcpFlags::psh_bit};
inline constexpr TcpFlags ack{TcpFlags::ack_bit};
inline constexpr TcpFlags urg{TcpFlags::urg_bit};
inline constexpr TcpFlags ece{TcpFlags::ece_bit};
inline constexpr TcpFlags cwr{TcpFlags::cwr_bit};
inline constexpr TcpFlags ns{TcpFlags::ns_bit};
} // namespace tcp_flags

/// The set bits by name in header order, as tshark prints them: "SYN, ACK",
/// "FIN, PSH, ACK"; "" when none.
inline std::string to_string(TcpFlags f) {
    constexpr const char* names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
    std::string s;
    for (unsigned i = 0; i < 9; ++i) {
        if (!(f.bits() & (1u << i))) continue;
        if (!s.empty()) s.append(", ");
        s.append(names[i]);
    }
    return s;
}

namespace tcp_field {
inline constexpr Field src_port{0, 2, "tcp", "src_port"};
inline constexpr Field dst_port{2, 4, "tcp", "dst_port"};
inline constexpr Field seq_number{4, 8, "tcp", "seq_number"};
inline constexpr Field ack_number{8, 12, "tcp", "ack_number"};
/// High nibble of byte 12: header length in 32-bit words. The low bit of
/// byte 12 is NS; the three bits between are reserved.
inline constexpr Field data_offset{12, 13, "tcp", "data_offset"};
/// NS (low bit of byte 12) and byte 13.
inline constexpr Field flags{12, 14, "tcp", "flags"};
inline constexpr Field window{14, 16, "tcp", "window"};
inline constexpr Field checksum{16, 18, "tcp", "checksum"};
inline constexpr Field urgent_pointer{18, 20, "tcp", "urgent_pointer"};
inline constexpr std::size_t min_header_len = urgent_pointer.last;
inline constexpr std::size_t max_header_len = 60; ///< data offset 15
inline constexpr std::size_t max_options_len = max_header_len - min_header_len;
/// Fields that errors name beyond the header layout above.
inline constexpr Field header{0, urgent_pointer.last, "tcp", "header"};
} // namespace tcp_field

template <ByteType B = const Byte>
class TcpView {
    std::span<B> buf_;

    constexpr explicit TcpView(std::span<B> b) noexcept : buf_(b) {}

    constexpr const Byte* at(Field f) const noexcept { return buf_.data() + f.first; }
    constexpr Byte* mut(Field f) const noexcept requires is_mutable_byte<B> {
        return buf_.data() + f.first;
    }

public:
    static constexpr std::size_t min_header_len = tcp_field::min_header_len;

    /// Validates `b`, the IP payload. Errors (layer "tcp"), each distinct:
    ///   b.size() < 20                  → "header", truncated, offset 0
    ///   data offset < 5                → "data_offset", bad_value, offset 12
    ///   data offset * 4 > b.size()     → "data_offset", truncated, offset 12
    ///   option length 0 or 1           → "options", bad_length, option offset
    ///   option (or its length byte) past the header → "options", truncated
    ///   MSS/WS/SACK-perm/TS length ≠ 4/3/2/10, SACK ≠ 2+8n
    ///                                  → "options", bad_value, option offset
    /// After success no accessor reads out of bounds, and options() yields
    /// every option up to EOL or the end of the header.
    static constexpr Result<TcpView> checked(std::span<B> b) noexcept {
        if (b.size() < tcp_field::min_header_len)
            return Error::at(tcp_field::header, Errc::truncated, b.size(),
                             tcp_field::min_header_len);
        const std::size_t doff = b[tcp_field::data_offset.first] >> 4;
        if (doff < 5) return Error::at(tcp_field::data_offset, Errc::bad_value, doff, 5);
        const std::size_t hlen = doff * 4;
        if (hlen > b.size())
            return Error::at(tcp_field::data_offset, Errc::truncated, hlen, b.size());
        // Most segments of an established connection carry exactly NOP NOP
        // TS (RFC 7323 App. A layout); one compare validates that, as Linux's
        // tcp_fast_parse_options() does.
        if (hlen == tcp_field::min_header_len + 12 &&
            load_be32(b.data() + tcp_field::min_header_len) == 0x0101080au)
            return TcpView{b};
        if (hlen > tcp_field::min_header_len) {
            if (auto e = TcpOptions{Bytes{b.data() + tcp_field::min_header_len,
                                          hlen - tcp_field::min_header_len}}
                             .error())
                return *e;
        }
        return TcpView{b};
    }

    /// No validation. Precondition: b.size() >= 20, and >= header_len() before
    /// header(), payload() or options() are used. For emitting into a
    /// buffer sized with TcpRepr::buffer_len() + payload length.
    static constexpr TcpView unchecked(std::span<B> b) noexcept { return TcpView{b}; }

    /// A read-only view of the same bytes.
    constexpr operator TcpView<const Byte>() const noexcept requires is_mutable_byte<B> {
        return TcpView<const Byte>::unchecked(std::span<const Byte>(buf_));
    }

    // --- getters --------------------------------------------------------------
    constexpr Port src_port() const noexcept { return Port{load_be16(at(tcp_field::src_port))}; }
    constexpr Port dst_port() const noexcept { return Port{load_be16(at(tcp_field::dst_port))}; }
    constexpr SeqNum seq_number() const noexcept {
        return SeqNum{load_be32(at(tcp_field::seq_number))};
    }
    /// Meaningful when ack() is set.
    constexpr SeqNum ack_number() const noexcept {
        return SeqNum{load_be32(at(tcp_field::ack_number))};
    }
    /// Header length in 32-bit words (5..15 once checked).
    constexpr std::uint8_t data_offset() const noexcept {
        return static_cast<std::uint8_t>(*at(tcp_field::data_offset) >> 4);
    }
    constexpr std::size_t header_len() const noexcept { return std::size_t{data_offset()} * 4; }
    constexpr TcpFlags flags() const noexcept { return TcpFlags{load_be16(at(tcp_field::flags))}; }
    constexpr bool fin() const noexcept { return buf_[13] & TcpFlags::fin_bit; }
    constexpr bool syn() const noexcept { return buf_[13] & TcpFlags::syn_bit; }
    constexpr bool rst() const noexcept { return buf_[13] & TcpFlags::rst_bit; }
    constexpr bool psh() const noexcept { return buf_[13] & TcpFlags::psh_bit; }
    constexpr bool ack() const noexcept { return buf_[13] & TcpFlags::ack_bit; }
    constexpr bool urg() const noexcept { return buf_[13] & TcpFlags::urg_bit; }
    constexpr bool ece() const noexcept { return buf_[13] & TcpFlags::ece_bit; }
    constexpr bool cwr() const noexcept { return buf_[13] & TcpFlags::cwr_bit; }
    constexpr bool ns() const noexcept { return buf_[12] & 0x01; }
    /// The raw (unscaled) window; scaling needs the shift from the SYN (RFC 7323 §2.2).
    constexpr std::uint16_t window() const noexcept { return load_be16(at(tcp_field::window)); }
    constexpr std::uint16_t checksum() const noexcept { return load_be16(at(tcp_field::checksum)); }
    /// Meaningful when urg() is set.
    constexpr std::uint16_t urgent_pointer() const noexcept {
        return load_be16(at(tcp_field::urgent_pointer));
    }

    constexpr std::span<B> bytes() const noexcept { return buf_; }
    constexpr std::span<B> header() const noexcept { return buf_.first(header_len()); }
    /// The option area: bytes 20 .. header_len().
    constexpr std::span<B> option_bytes() const noexcept {
        return buf_.subspan(tcp_field::min_header_len, header_len() - tcp_field::min_header_len);
    }
    /// Options, lazily. On a checked view all of them; on an unchecked one
    /// the range stops before the first malformed option and
    /// options().error() says what is wrong with it.
    constexpr TcpOptions options() const noexcept {
        return TcpOptions{Bytes(option_bytes()), tcp_field::min_header_len};
    }
    constexpr std::span<B> payload() const noexcept { return buf_.subspan(header_len()); }

    /// Partial sum of pseudo-header + bytes() (checksum field included). The
    /// TCP length is bytes().size(), which must fit 16 bits (IPv4 does).
    constexpr std::uint64_t checksum_sum(Ipv4Address src, Ipv4Address dst) const noexcept {
        const std::uint64_t pseudo = checksum::pseudo_header_ipv4(
            src.value(), dst.value(), static_cast<std::uint8_t>(IpProtocol::tcp),
            static_cast<std::uint16_t>(buf_.size()));
        return checksum::sum(Bytes(buf_), pseudo);
    }
    /// RFC 9293 §3.1: the checksum is mandatory; verifies over pseudo-header,
    /// header and data.
    constexpr bool verify_checksum(Ipv4Address src, Ipv4Address dst) const noexcept {
        return checksum::verifies(checksum_sum(src, dst));
    }

    // --- setters (mutable views) ----------------------------------------------
    constexpr void set_src_port(Port p) const noexcept requires is_mutable_byte<B> {
        store_be16(mut(tcp_field::src_port), p.value());
    }
    constexpr void set_dst_port(Port p) const noexcept requires is_mutable_byte<B> {
        store_be16(mut(tcp_field::dst_port), p.value());
    }
    constexpr void set_seq_number(SeqNum s) const noexcept requires is_mutable_byte<B> {
        store_be32(mut(tcp_field::seq_number), s.value());
    }
    constexpr void set_ack_number(SeqNum s) const noexcept requires is_mutable_byte<B> {
        store_be32(mut(tcp_field::ack_number), s.value());
    }
    /// Header length in words (5..15); keeps the NS and reserved bits.
    constexpr void set_data_offset(std::uint8_t words) const noexcept requires is_mutable_byte<B> {
        Byte* p = mut(tcp_field::data_offset);
        *p = static_cast<Byte>((words << 4) | (*p & 0x0f));
    }
    /// Header length in bytes (a multiple of 4, 20..60).
    constexpr void set_header_len(std::size_t bytes) const noexcept requires is_mutable_byte<B> {
        set_data_offset(static_cast<std::uint8_t>(bytes / 4));
    }
    /// All nine bits; keeps the data offset and the reserved bits.
    constexpr void set_flags(TcpFlags f) const noexcept requires is_mutable_byte<B> {
        Byte* p = mut(tcp_field::flags);
        p[0] = static_cast<Byte>((p[0] & 0xfe) | (f.bits() >> 8));
        p[1] = static_cast<Byte>(f.bits());
    }
    constexpr void set_fin(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::fin, on));
    }
    constexpr void set_syn(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::syn, on));
    }
    constexpr void set_rst(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::rst, on));
    }
    constexpr void set_psh(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::psh, on));
    }
    constexpr void set_ack(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::ack, on));
    }
    constexpr void set_urg(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::urg, on));
    }
    constexpr void set_ece(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::ece, on));
    }
    constexpr void set_cwr(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::cwr, on));
    }
    constexpr void set_ns(bool on) const noexcept requires is_mutable_byte<B> {
        set_flags(flags().with(tcp_flags::ns, on));
    }
    constexpr void set_window(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(mut(tcp_field::window), v);
    }
    constexpr void set_checksum(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(mut(tcp_field::checksum), v);
    }
    constexpr void set_urgent_pointer(std::uint16_t v) const noexcept requires is_mutable_byte<B> {
        store_be16(mut(tcp_field::urgent_pointer), v);
    }

    /// Computes the checksum over pseudo-header + bytes() (header, options
    /// and data in place).
    constexpr void fill_checksum(Ipv4Address src,
                                 Ipv4Address dst) const noexcept requires is_mutable_byte<B> {
        set_checksum(0);
        set_checksum(checksum::finish(checksum_sum(src, dst)));
    }

    // Incremental rewrites (RFC 1624 eqn. 3) for NAT.
    constexpr void rewrite_src_port(Port p) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t old = src_port().value();
        set_src_port(p);
        set_checksum(checksum::update16(checksum(), old, p.value()));
    }
    constexpr void rewrite_dst_port(Port p) const noexcept requires is_mutable_byte<B> {
        const std::uint16_t old = dst_port().value();
        set_dst_port(p);
        set_checksum(checksum::update16(checksum(), old, p.value()));
    }
    /// The IP layer changed a source or destination address from `old_addr`
    /// to `new_addr`: fix the checksum, which covers it through the pseudo-header.
    constexpr void
    rewrite_pseudo_header_address(Ipv4Address old_addr,
                                  Ipv4Address new_addr) const noexcept requires is_mutable_byte<B> {
        set_checksum(checksum::update32(checksum(), old_addr.value(), new_addr.value()));
    }
};

/// The TCP header as a value: fixed fields plus the options strata speaks,
/// held by value. Unknown options are dropped by parse(); a repeated option
/// keeps its last occurrence. The checksum is not part of it.
///
/// Emission follows Linux's tcp_options_write(), every option group aligned
/// to 4 bytes:
///   MSS                 02 04 mm mm
///   SACK-perm + TS      04 02 08 0a <tsval> <tsecr>   (when both)
///   TS                  01 01 08 0a <tsval> <tsecr>
///   SACK-perm alone     01 01 04 02
///   window scale        01 03 03 ss
///   SACK blocks         01 01 05 <2+8n> <left right>...
/// so a Linux SYN reads 02 04 05 b4 04 02 08 0a .. .. 01 03 03 07 and a data
/// segment NOP NOP TS. Without SACK blocks everything fits (at most 24 bytes).
/// SACK blocks that do not fit the 40-byte option space are not emitted: as
/// Linux's tcp_established_options(), n = min(sack_count, (40 - others - 4) / 8),
/// keeping the first ones (RFC 2018 §4: the first block reports the most
/// recent data). With timestamps that is 3 blocks; emitted_sack_count() says.
/// The data offset follows from the options (buffer_len()); the window
/// defaults to Linux's initial one. encode<> fills the checksum.
struct TcpRepr {
    Port src_port{};
    Port dst_port{};
    SeqNum seq_number{};
    SeqNum ack_number{};
    TcpFlags flags{};
    /// 64240 = 44 × 1460, Linux's initial receive window on Ethernet.
    std::uint16_t window = 64240;
    std::uint16_t urgent_pointer = 0;
    std::optional<std::uint16_t> mss{};
    std::optional<std::uint8_t> window_scale{};
    bool sack_permitted = false;
    std::array<TcpSackBlock, tcp_option_len::max_sack_blocks> sack_blocks{};
    std::uint8_t sack_count = 0; ///< blocks in use, 0..4
    std::optional<TcpTimestamps> timestamps{};

    /// Appends a SACK block; false when 4 are already held.
    constexpr bool add_sack_block(TcpSackBlock b) noexcept {
        if (sack_count >= sack_blocks.size()) return false;
        sack_blocks[sack_count++] = b;
        return true;
    }
    constexpr std::span<const TcpSackBlock> sacks() const noexcept {
        return {sack_blocks.data(), sack_count};
    }

    /// Option bytes other than SACK blocks, as emitted.
    constexpr std::size_t fixed_options_len() const noexcept {
        std::size_t n = 0;
        if (mss) n += 4;
        if (timestamps)
            n += 12; // (NOP NOP | SACK-perm) TS
        else if (sack_permitted)
            n += 4;               // NOP NOP SACK-perm
        if (window_scale) n += 4; // NOP WS
        return n;
    }
    /// SACK blocks emit() writes: as many of the first sack_count as fit.
    constexpr std::size_t emitted_sack_count() const noexcept {
        if (sack_count == 0) return 0;
        const std::size_t room = tcp_field::max_options_len - fixed_options_len();
        const std::size_t fit = room < 4 ? 0 : (room - 4) / tcp_option_len::sack_block;
        return sack_count < fit ? sack_count : fit;
    }
    /// Option bytes emit() writes (a multiple of 4, at most 40).
    constexpr std::size_t options_len() const noexcept {
        const std::size_t n = emitted_sack_count();
        return fixed_options_len() + (n ? 4 + n * tcp_option_len::sack_block : 0);
    }
    /// Header bytes emit() writes: 20 + options_len(), at most 60.
    constexpr std::size_t buffer_len() const noexcept {
        return tcp_field::min_header_len + options_len();
    }

    /// Cannot fail on a checked view. On an unchecked one, a data offset
    /// below 5 or a malformed option is reported as TcpView::checked() does
    /// (precondition there: header_len() bytes are present).
    template <ByteType B>
    static constexpr Result<TcpRepr> parse(const TcpView<B>& v) noexcept {
        if (v.data_offset() < 5)
            return Error::at(tcp_field::data_offset, Errc::bad_value, v.data_offset(), 5);
        TcpRepr r;
        r.src_port = v.src_port();
        r.dst_port = v.dst_port();
        r.seq_number = v.seq_number();
        r.ack_number = v.ack_number();
        r.flags = v.flags();
        r.window = v.window();
        r.urgent_pointer = v.urgent_pointer();
        const TcpOptions opts = v.options();
        std::size_t seen = 0;
        bool eol = false;
        // The cursor rather than the range: range-v3's iterators are not constexpr.
        for (detail::TcpOptionCursor c{opts.bytes().data(),
                                       opts.bytes().data() + opts.bytes().size()};
             !c.done(); c.next()) {
            const TcpOption o = c.read();
            seen += o.size();
            switch (o.kind()) {
            case TcpOptionKind::eol:
                eol = true;
                break;
            case TcpOptionKind::mss:
                r.mss = o.mss();
                break;
            case TcpOptionKind::window_scale:
                r.window_scale = o.window_scale();
                break;
            case TcpOptionKind::sack_permitted:
                r.sack_permitted = true;
                break;
            case TcpOptionKind::timestamps:
                r.timestamps = o.timestamps();
                break;
            case TcpOptionKind::sack:
                r.sack_count = static_cast<std::uint8_t>(o.sack_count());
                for (std::size_t i = 0; i < r.sack_count; ++i)
                    r.sack_blocks[i] = o.sack_block(i);
                for (std::size_t i = r.sack_count; i < r.sack_blocks.size(); ++i)
                    r.sack_blocks[i] = TcpSackBlock{};
                break;
            default:
                break; // unknown kinds are not held
            }
        }
        // The range stops early only before a malformed option.
        if (!eol && seen != opts.bytes().size()) {
            if (auto e = opts.error()) return *e;
        }
        return r;
    }

    /// Writes the header and options; checksum 0. Precondition:
    /// v.bytes().size() >= buffer_len().
    constexpr void emit_header(TcpView<Byte> v) const noexcept { (void)emit_header_sum(v); }

    /// Writes header and options and fills the checksum. Precondition: the
    /// view spans exactly the segment, v.bytes() = buffer_len() header bytes
    /// followed by the payload, which is already in place.
    /// Always inlined, as Ipv4Repr::emit (bench build_tcp/*).
    [[gnu::always_inline]] constexpr void emit(TcpView<Byte> v, Ipv4Address src,
                                               Ipv4Address dst) const noexcept {
        emit(v, checksum::pseudo_header_ipv4(src.value(), dst.value(),
                                             static_cast<std::uint8_t>(IpProtocol::tcp),
                                             static_cast<std::uint16_t>(v.bytes().size())));
    }
    /// The same for any network family: `pseudo_header_sum` is the partial
    /// sum of the network layer's pseudo-header (RFC 9293 §3.1 for IPv4).
    [[gnu::always_inline]] constexpr void emit(TcpView<Byte> v,
                                               std::uint64_t pseudo_header_sum) const noexcept {
        // The header's contribution to the checksum comes from the values as
        // they are written; only the payload is read from memory. Reading the
        // freshly stored header back with wide loads stalls on store
        // forwarding (docs/bench).
        const std::uint64_t pseudo = pseudo_header_sum;
        const std::uint64_t header = emit_header_sum(v);
        // The header is a multiple of 4 bytes, so the payload's words line up.
        const std::uint64_t all =
            checksum::sum(Bytes(v.bytes().subspan(buffer_len())), header + pseudo);
        v.set_checksum(checksum::finish(all));
    }

    /// Compares fields, options and the sack_count blocks in use (unused
    /// array entries do not matter).
    friend constexpr bool operator==(const TcpRepr& a, const TcpRepr& b) noexcept {
        if (a.sack_count != b.sack_count) return false;
        for (std::size_t i = 0; i < a.sack_count && i < a.sack_blocks.size(); ++i)
            if (a.sack_blocks[i] != b.sack_blocks[i]) return false;
        return a.src_port == b.src_port && a.dst_port == b.dst_port &&
               a.seq_number == b.seq_number && a.ack_number == b.ack_number && a.flags == b.flags &&
               a.window == b.window && a.urgent_pointer == b.urgent_pointer && a.mss == b.mss &&
               a.window_scale == b.window_scale && a.sack_permitted == b.sack_permitted &&
               a.timestamps == b.timestamps;
    }

private:
    /// Writes the header (checksum 0) and returns the partial sum of its
    /// 16-bit words, computed from the values rather than read back.
    [[gnu::always_inline]] constexpr std::uint64_t emit_header_sum(TcpView<Byte> v) const noexcept {
        const std::size_t hl = buffer_len();
        Byte* h = v.bytes().data();
        // Byte 12: data offset in the high nibble, reserved bits 0, NS low.
        const std::uint16_t off_flags = static_cast<std::uint16_t>(((hl / 4) << 12) | flags.bits());
        store_be16(h + 0, src_port.value());
        store_be16(h + 2, dst_port.value());
        store_be32(h + 4, seq_number.value());
        store_be32(h + 8, ack_number.value());
        store_be16(h + 12, off_flags);
        store_be16(h + 14, window);
        store_be16(h + 16, 0);
        store_be16(h + 18, urgent_pointer);
        std::uint64_t s = std::uint64_t{src_port.value()} + dst_port.value() +
                          (seq_number.value() >> 16) + (seq_number.value() & 0xffffu) +
                          (ack_number.value() >> 16) + (ack_number.value() & 0xffffu) + off_flags +
                          window + urgent_pointer;
        Byte* p = h + tcp_field::min_header_len;
        const auto word = [&p, &s](Byte a, Byte b, Byte c, Byte d) {
            p[0] = a;
            p[1] = b;
            p[2] = c;
            p[3] = d;
            s += ((std::uint32_t{a} << 8) | b) + ((std::uint32_t{c} << 8) | d);
            p += 4;
        };
        const auto word32 = [&p, &s](std::uint32_t x) {
            store_be32(p, x);
            s += (x >> 16) + (x & 0xffffu);
            p += 4;
        };
        if (mss) word(2, 4, static_cast<Byte>(*mss >> 8), static_cast<Byte>(*mss));
        if (timestamps) {
            if (sack_permitted)
                word(4, 2, 8, 10);
            else
                word(1, 1, 8, 10);
            word32(timestamps->tsval);
            word32(timestamps->tsecr);
        } else if (sack_permitted) {
            word(1, 1, 4, 2);
        }
        if (window_scale) word(1, 3, 3, *window_scale);
        if (const std::size_t n = emitted_sack_count(); n != 0) {
            word(1, 1, 5, static_cast<Byte>(tcp_option_len::sack_base + n * 8));
            for (std::size_t i = 0; i < n; ++i) {
                word32(sack_blocks[i].left.value());
                word32(sack_blocks[i].right.value());
            }
        }
        return s;
    }
};

} // namespace strata
