// Reads capture files, pcap and pcapng, through libpcap, one frame at a time
// in constant memory.
//
// libpcap is the reference reader of both formats (pcapng: RFC-to-be
// draft-ietf-opsawg-pcapng; pcap: draft-ietf-opsawg-pcap), so it is used
// rather than rewritten: `pcap_fopen_offline_with_tstamp_precision` detects the
// format and byte order and `pcap_next_ex` hands out one record at a time from
// its own buffer. The reader asks for nanosecond timestamps, so microsecond
// files lose nothing and nanosecond files (magic 0xA1B23C4D, or pcapng with
// if_tsresol 9) keep every digit.
//
// Users of this header link libpcap (pkg-config libpcap; CMake:
// PkgConfig::PCAP). The rest of strata does not need it.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <pcap/pcap.h>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/io/pcap_fields.hpp>

namespace strata {

/// One captured frame, as stored in the file.
struct PcapFrame {
    /// Capture time since the Unix epoch, at the file's resolution.
    std::chrono::nanoseconds timestamp{0};
    /// Bytes stored in the file (== data.size()).
    std::uint32_t caplen = 0;
    /// Length of the frame on the wire (>= caplen when the capture cut it).
    std::uint32_t wirelen = 0;
    /// The stored bytes. Borrowed from the reader: valid until the next call
    /// to `next()` or until the reader is destroyed or moved from.
    Bytes data;
};

namespace detail {
struct PcapCloser {
    void operator()(pcap_t* p) const noexcept { pcap_close(p); }
};

inline bool pcap_text_says_truncated(std::string_view text) noexcept {
    return text.find("truncated") != std::string_view::npos;
}

/// How a file's record times reach us through libpcap.
enum class PcapClock : std::uint8_t {
    pcap_micro, ///< pcap, fraction in µs (libpcap scales it by 1000)
    pcap_nano,  ///< pcap, fraction in ns
    pcapng,     ///< pcapng: libpcap does the if_tsresol/if_tsoffset arithmetic
};

/// The clock of a file from its first 4 bytes read little-endian, for the
/// magic numbers libpcap can open: pcap (µs, ns, both byte orders; the
/// "modified" Kuznetzov format, µs) and the pcapng Section Header Block type.
/// Nothing for any other value.
constexpr std::optional<PcapClock> pcap_clock_of(std::uint32_t le_magic) noexcept {
    switch (le_magic) {
    case 0xA1B2C3D4:
    case 0xD4C3B2A1: // pcap, microseconds
    case 0xA1B2CD34:
    case 0x34CDB2A1: // modified pcap
        return PcapClock::pcap_micro;
    case 0xA1B23C4D:
    case 0x4D3CB2A1: // pcap, nanoseconds
        return PcapClock::pcap_nano;
    case 0x0A0D0D0A: // pcapng SHB (palindromic)
        return PcapClock::pcapng;
    default:
        return std::nullopt;
    }
}

/// The record time in nanoseconds since the epoch from what pcap_next_ex
/// put in `tv_sec`/`tv_usec` (nanosecond precision was asked for), or
/// nothing when it does not fit in 64-bit nanoseconds.
///
/// A pcap record stores seconds and fraction as unsigned 32-bit fields
/// (draft-ietf-opsawg-pcap §5), but libpcap 1.10 reads them as signed
/// (struct pcap_timeval holds bpf_int32), so a time past 2038-01-19 comes
/// out negative. Truncating back to 32 bits undoes that and is a no-op
/// where libpcap reads them unsigned. pcapng times are 64-bit; libpcap
/// hands them over as they are.
inline std::optional<std::int64_t> pcap_record_ns(PcapClock clock, std::int64_t tv_sec,
                                                  std::int64_t tv_frac) noexcept {
    constexpr std::int64_t ns_per_s = 1'000'000'000;
    switch (clock) {
    case PcapClock::pcap_micro: {
        const auto us = static_cast<std::uint32_t>(tv_frac / 1000);
        return static_cast<std::int64_t>(static_cast<std::uint32_t>(tv_sec)) * ns_per_s +
               static_cast<std::int64_t>(us) * 1000;
    }
    case PcapClock::pcap_nano:
        return static_cast<std::int64_t>(static_cast<std::uint32_t>(tv_sec)) * ns_per_s +
               static_cast<std::int64_t>(static_cast<std::uint32_t>(tv_frac));
    case PcapClock::pcapng:
        break;
    }
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(tv_sec, ns_per_s, &ns) || __builtin_add_overflow(ns, tv_frac, &ns))
        return std::nullopt;
    return ns;
}
} // namespace detail

/// Streams the frames of a pcap or pcapng file. Move-only; closes the file.
///
/// Errors (layer "pcap"):
/// - `file` not_found: the file cannot be opened (value = errno);
/// - `magic` truncated: fewer than 4 bytes; `magic` bad_value: not a pcap or
///   pcapng magic number (value = the first 4 bytes read little-endian);
/// - `header` truncated / unsupported: libpcap refused the file header
///   (cut short / anything else: a version, snaplen or block it rejects);
/// - `record` truncated: the file ends inside a record; `record` bad_value:
///   libpcap rejected a record (an impossible length, a bad block). The
///   offset is the record's position in the file, the value its index
///   (frames read before it);
/// - `timestamp` too_big: a pcapng record time beyond ±292 years of 1970,
///   which 64-bit nanoseconds cannot hold (offset = the record, value = its
///   index).
/// The error is sticky. Times in pcap files are read as the unsigned 32-bit
/// fields they are, so dates up to 2106 come out right.
/// libpcap's own words are in `last_error_text()`.
class PcapReader {
    std::unique_ptr<pcap_t, detail::PcapCloser> p_;
    std::string error_text_;
    std::optional<Error> sticky_;
    std::uint64_t frames_ = 0;
    bool done_ = false;
    detail::PcapClock clock_;

    PcapReader(pcap_t* p, detail::PcapClock clock) noexcept : p_(p), clock_(clock) {}
    // A reader that failed to open: no file, the error is sticky.
    PcapReader(const Error& e, std::string text) noexcept
        : error_text_(std::move(text)), sticky_(e), clock_(detail::PcapClock::pcap_micro) {}

    static void set_text(std::string* out, std::string_view text) {
        if (out != nullptr) out->assign(text);
    }

    // Takes over `f` (closes it on every path).
    static Result<PcapReader> from_file(std::FILE* f, std::string* error_text) {
        std::uint8_t m[4] = {};
        const std::size_t got = std::fread(m, 1, 4, f);
        if (got < 4 || std::fseek(f, 0, SEEK_SET) != 0) {
            std::fclose(f);
            set_text(error_text, "file shorter than a magic number");
            return Error::at(pcap_field::magic, 0, Errc::truncated, got, 4);
        }
        const std::uint32_t magic = std::uint32_t{m[0]} | (std::uint32_t{m[1]} << 8) |
                                    (std::uint32_t{m[2]} << 16) | (std::uint32_t{m[3]} << 24);
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (p == nullptr) {
            std::fclose(f); // libpcap leaves the FILE to the caller on failure
            set_text(error_text, errbuf);
            if (!detail::pcap_clock_of(magic))
                return Error::at(pcap_field::magic, 0, Errc::bad_value, magic, 0xA1B2C3D4);
            if (detail::pcap_text_says_truncated(errbuf))
                return Error::at(pcap_field::header, 0, Errc::truncated, 0, 0);
            return Error::at(pcap_field::header, 0, Errc::unsupported, magic, 0);
        }
        // libpcap opened it, so the magic is one it knows; anything else it
        // might accept gets the classic µs reading.
        return PcapReader(p, detail::pcap_clock_of(magic).value_or(detail::PcapClock::pcap_micro));
    }

public:
    /// Opens a pcap or pcapng file. On failure, libpcap's or the system's
    /// message goes to `*error_text` when given.
    static Result<PcapReader> open(const std::string& path, std::string* error_text = nullptr) {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (f == nullptr) {
            const int err = errno;
            set_text(error_text, "cannot open " + path);
            return Error::at(pcap_field::file, 0, Errc::not_found, static_cast<std::uint64_t>(err),
                             0);
        }
        return from_file(f, error_text);
    }

    /// Reads a capture held in memory (e.g. what PcapVectorWriter wrote).
    /// `bytes` must stay alive and unchanged while the reader is used.
    static Result<PcapReader> open_buffer(Bytes bytes, std::string* error_text = nullptr) {
        if (bytes.size() < 4) {
            set_text(error_text, "buffer shorter than a magic number");
            return Error::at(pcap_field::magic, 0, Errc::truncated, bytes.size(), 4);
        }
        // fmemopen in "r" mode never writes through the pointer.
        std::FILE* f = fmemopen(const_cast<Byte*>(bytes.data()), bytes.size(), "r");
        if (f == nullptr) {
            const int err = errno;
            set_text(error_text, "fmemopen failed");
            return Error::at(pcap_field::file, 0, Errc::not_found, static_cast<std::uint64_t>(err),
                             0);
        }
        return from_file(f, error_text);
    }

    /// The frames of a file as a range, for a range-for; never fails itself:
    /// when the file cannot be opened the range is empty and error() says
    /// why, as it does when a damaged record stops the loop early.
    ///
    ///   auto pcap = PcapReader::frames("x.pcap");
    ///   for (const PcapFrame& f : pcap) use(f.data);
    ///   if (pcap.error()) report(*pcap.error());
    static PcapReader frames(const std::string& path) {
        std::string why;
        auto r = open(path, &why);
        if (!r) return PcapReader(r.error(), std::move(why));
        return std::move(*r);
    }

    PcapReader(PcapReader&&) noexcept = default;
    PcapReader& operator=(PcapReader&&) noexcept = default;
    PcapReader(const PcapReader&) = delete;
    PcapReader& operator=(const PcapReader&) = delete;
    ~PcapReader() = default;

    /// The next frame, std::nullopt at the end of the file, or an error.
    /// A frame's bytes stay valid until the following call.
    Result<std::optional<PcapFrame>> next() {
        if (sticky_) return *sticky_;
        if (done_ || !p_) return std::optional<PcapFrame>{};
        std::FILE* f = pcap_file(p_.get());
        const long at = f != nullptr ? std::ftell(f) : -1;
        pcap_pkthdr* h = nullptr;
        const u_char* data = nullptr;
        const int rc = pcap_next_ex(p_.get(), &h, &data);
        const auto offset = at < 0 ? std::size_t{0} : static_cast<std::size_t>(at);
        if (rc == 1) {
            // Opened with nanosecond precision: tv_usec holds nanoseconds.
            const auto ns = detail::pcap_record_ns(clock_, h->ts.tv_sec, h->ts.tv_usec);
            if (!ns) {
                error_text_ = "record time does not fit in 64-bit nanoseconds since 1970";
                sticky_ = Error::at(pcap_field::timestamp, offset, Errc::too_big, frames_, 0);
                return *sticky_;
            }
            ++frames_;
            PcapFrame fr;
            fr.timestamp = std::chrono::nanoseconds(*ns);
            fr.caplen = h->caplen;
            fr.wirelen = h->len;
            fr.data = Bytes(data, h->caplen);
            return std::optional<PcapFrame>(fr);
        }
        if (rc == PCAP_ERROR_BREAK) { // end of file
            done_ = true;
            return std::optional<PcapFrame>{};
        }
        error_text_ = pcap_geterr(p_.get());
        sticky_ = detail::pcap_text_says_truncated(error_text_)
                      ? Error::at(pcap_field::record, offset, Errc::truncated, frames_, 0)
                      : Error::at(pcap_field::record, offset, Errc::bad_value, frames_, 0);
        return *sticky_;
    }

    /// Input iterator over the frames (begin() reads the first); each step
    /// is one next(). An error ends the range; error() then holds it.
    /// Frames are borrowed as next()'s are: valid until the next step.
    class iterator {
        PcapReader* r_ = nullptr;
        PcapFrame frame_;

    public:
        using value_type = PcapFrame;
        using difference_type = std::ptrdiff_t;
        using reference = const PcapFrame&;
        using pointer = const PcapFrame*;
        using iterator_concept = std::input_iterator_tag;
        using iterator_category = std::input_iterator_tag;

        iterator() = default;
        explicit iterator(PcapReader& r) : r_(&r) { ++*this; }
        const PcapFrame& operator*() const noexcept { return frame_; }
        const PcapFrame* operator->() const noexcept { return &frame_; }
        iterator& operator++() {
            auto n = r_->next();
            if (n && *n)
                frame_ = **n;
            else
                r_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }
        friend bool operator==(const iterator& i, std::default_sentinel_t) noexcept {
            return i.r_ == nullptr;
        }
    };
    /// Reads on from where the reader is (a reader is a single pass).
    iterator begin() { return iterator(*this); }
    std::default_sentinel_t end() const noexcept { return {}; }

    /// The error that stopped reading (opening, a damaged record), or
    /// nothing: after a range-for, nothing means the whole file was read.
    [[nodiscard]] const std::optional<Error>& error() const noexcept { return sticky_; }

    /// The link type of the file's frames as libpcap reports it (a DLT_
    /// value; 1 is Ethernet, the same number as LINKTYPE_ETHERNET).
    [[nodiscard]] int link_type() const noexcept { return p_ ? pcap_datalink(p_.get()) : -1; }
    /// The snapshot length in the file header (pcapng: of the first interface).
    [[nodiscard]] std::uint32_t snaplen() const noexcept {
        return p_ ? static_cast<std::uint32_t>(pcap_snapshot(p_.get())) : 0;
    }
    /// Frames handed out so far.
    [[nodiscard]] std::uint64_t frames_read() const noexcept { return frames_; }
    /// libpcap's (or the system's) message for the error next() returned or
    /// frames() could not open with ("" if none).
    [[nodiscard]] const std::string& last_error_text() const noexcept { return error_text_; }
};

} // namespace strata
