// Writes classic pcap files without libpcap, so the simulator (or anything
// that has frames and a clock) can leave a capture that tcpdump, tshark and
// Wireshark open.
//
// Format: the libpcap savefile format, as written down in
// draft-ietf-opsawg-pcap ("PCAP Capture File Format") §4 (file header) and §5
// (packet record). Everything is written little-endian whatever the host, so
// the same frames and times give the same bytes on every machine; readers
// tell the byte order from the magic number (§4: 0xA1B2C3D4 for microsecond
// and 0xA1B23C4D for nanosecond timestamps).
//
// The writer is a thin layer over a byte sink: `VectorSink` appends to a
// std::vector<Byte>, `FileSink` writes to a std::FILE*, and any type with
// `Result<void> write(Bytes)` works (concept `PcapSink`). Writing a record
// allocates nothing of its own.
#pragma once

#include <array>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/io/pcap_fields.hpp>

namespace strata {

/// Resolution of the timestamps a pcap file stores (draft-ietf-opsawg-pcap §4).
enum class PcapPrecision : std::uint8_t {
    micro, ///< magic 0xA1B2C3D4, fraction in microseconds (the classic default)
    nano,  ///< magic 0xA1B23C4D, fraction in nanoseconds
};

/// What goes into the file header.
struct PcapOptions {
    PcapPrecision precision = PcapPrecision::micro;
    /// Longest frame stored; longer frames are cut, as a capture would cut them.
    std::uint32_t snaplen = 262144;
    /// LINKTYPE_ value; 1 is LINKTYPE_ETHERNET.
    std::uint32_t link_type = 1;

    friend constexpr bool operator==(const PcapOptions&, const PcapOptions&) = default;
};

namespace pcap_format {
inline constexpr std::uint32_t magic_micro = 0xA1B2C3D4;
inline constexpr std::uint32_t magic_nano = 0xA1B23C4D;
inline constexpr std::uint16_t version_major = 2;
inline constexpr std::uint16_t version_minor = 4;
inline constexpr std::uint32_t link_type_ethernet = 1;
inline constexpr std::size_t file_header_len = 24;
inline constexpr std::size_t record_header_len = 16;
} // namespace pcap_format

namespace detail {
constexpr void pcap_store_le16(Byte* p, std::uint16_t v) noexcept {
    p[0] = static_cast<Byte>(v);
    p[1] = static_cast<Byte>(v >> 8);
}
constexpr void pcap_store_le32(Byte* p, std::uint32_t v) noexcept {
    for (int i = 0; i < 4; ++i)
        p[i] = static_cast<Byte>(v >> (8 * i));
}
} // namespace detail

/// The 24-byte file header (draft-ietf-opsawg-pcap §4): magic, version 2.4,
/// two reserved words (historically thiszone/sigfigs, always 0), snaplen,
/// link type (the FCS bits of that word stay 0).
constexpr std::array<Byte, pcap_format::file_header_len>
pcap_file_header(const PcapOptions& o) noexcept {
    std::array<Byte, pcap_format::file_header_len> h{};
    detail::pcap_store_le32(h.data() + 0, o.precision == PcapPrecision::nano
                                              ? pcap_format::magic_nano
                                              : pcap_format::magic_micro);
    detail::pcap_store_le16(h.data() + 4, pcap_format::version_major);
    detail::pcap_store_le16(h.data() + 6, pcap_format::version_minor);
    detail::pcap_store_le32(h.data() + 16, o.snaplen);
    detail::pcap_store_le32(h.data() + 20, o.link_type);
    return h;
}

/// The 16-byte record header (draft-ietf-opsawg-pcap §5): seconds, fraction
/// (µs or ns by `precision`), captured length, original length. `ts` is the
/// time since the Unix epoch; it must be in [0, 2^32) seconds, the range of
/// the unsigned 32-bit seconds field. Sub-resolution digits are truncated.
constexpr Result<std::array<Byte, pcap_format::record_header_len>>
pcap_record_header(std::chrono::nanoseconds ts, std::uint32_t caplen, std::uint32_t wirelen,
                   PcapPrecision precision) noexcept {
    constexpr std::int64_t ns_per_s = 1'000'000'000;
    const std::int64_t ns = ts.count();
    if (ns < 0)
        return Error::at(pcap_field::timestamp, 0, Errc::bad_value, static_cast<std::uint64_t>(ns),
                         0);
    const auto seconds = static_cast<std::uint64_t>(ns / ns_per_s);
    if (seconds > 0xFFFF'FFFFu)
        return Error::at(pcap_field::timestamp, 0, Errc::too_big, seconds, 0xFFFF'FFFFu);
    auto fraction = static_cast<std::uint32_t>(ns % ns_per_s);
    if (precision == PcapPrecision::micro) fraction /= 1000;
    std::array<Byte, pcap_format::record_header_len> h{};
    detail::pcap_store_le32(h.data() + 0, static_cast<std::uint32_t>(seconds));
    detail::pcap_store_le32(h.data() + 4, fraction);
    detail::pcap_store_le32(h.data() + 8, caplen);
    detail::pcap_store_le32(h.data() + 12, wirelen);
    return h;
}

/// Something bytes can be written to, in order.
template <class S>
concept PcapSink = requires(S& s, Bytes b) {
    { s.write(b) } -> std::same_as<Result<void>>;
};

/// Appends to a std::vector<Byte> the caller owns (and must keep alive).
class VectorSink {
    std::vector<Byte>* out_;

public:
    explicit VectorSink(std::vector<Byte>& out) noexcept : out_(&out) {}
    Result<void> write(Bytes b) {
        // resize + memcpy rather than insert(): g++ 12 at -O3 reports a false
        // -Wstringop-overflow for range insert into an empty vector.
        if (b.empty()) return {};
        const std::size_t at = out_->size();
        out_->resize(at + b.size());
        std::memcpy(out_->data() + at, b.data(), b.size());
        return {};
    }
    [[nodiscard]] std::vector<Byte>& bytes() const noexcept { return *out_; }
};

/// Writes to a std::FILE*. Made by `open` (owns the file and closes it) or
/// `borrow` (the caller keeps the file). Move-only.
class FileSink {
    std::FILE* f_ = nullptr;
    bool owned_ = false;
    std::uint64_t offset_ = 0; // bytes written so far, for error offsets

    FileSink(std::FILE* f, bool owned) noexcept : f_(f), owned_(owned) {}

public:
    /// Creates or truncates `path`. Error: pcap.file not_found, value = errno.
    static Result<FileSink> open(const std::string& path) {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr)
            return Error::at(pcap_field::file, 0, Errc::not_found,
                             static_cast<std::uint64_t>(errno), 0);
        return FileSink(f, true);
    }
    /// Writes to `f` without taking it over (stdout, a pipe, a tmpfile).
    static FileSink borrow(std::FILE* f) noexcept { return FileSink(f, false); }

    FileSink(FileSink&& o) noexcept
        : f_(std::exchange(o.f_, nullptr)), owned_(o.owned_), offset_(o.offset_) {}
    FileSink& operator=(FileSink&& o) noexcept {
        if (this != &o) {
            (void)close();
            f_ = std::exchange(o.f_, nullptr);
            owned_ = o.owned_;
            offset_ = o.offset_;
        }
        return *this;
    }
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    ~FileSink() { (void)close(); }

    /// Error: pcap.write buffer_too_small (the file took fewer bytes than
    /// given), offset = bytes written before, value = errno.
    Result<void> write(Bytes b) {
        if (f_ == nullptr) return Error::at(pcap_field::write, offset_, Errc::bad_value, 0, 0);
        if (b.empty()) return {};
        const std::size_t n = std::fwrite(b.data(), 1, b.size(), f_);
        if (n != b.size()) {
            const Error e{"pcap",
                          "write",
                          offset_ + n,
                          Errc::buffer_too_small,
                          static_cast<std::uint64_t>(errno),
                          b.size()};
            offset_ += n;
            return e;
        }
        offset_ += n;
        return {};
    }
    /// Error: pcap.flush buffer_too_small, value = errno.
    Result<void> flush() {
        if (f_ != nullptr && std::fflush(f_) != 0)
            return Error::at(pcap_field::flush, offset_, Errc::buffer_too_small,
                             static_cast<std::uint64_t>(errno), 0);
        return {};
    }
    /// Flushes and, when owned, closes. Idempotent. Error: pcap.close.
    Result<void> close() {
        if (f_ == nullptr) return {};
        std::FILE* f = std::exchange(f_, nullptr);
        const int rc = owned_ ? std::fclose(f) : std::fflush(f);
        if (rc != 0)
            return Error::at(pcap_field::close, offset_, Errc::buffer_too_small,
                             static_cast<std::uint64_t>(errno), 0);
        return {};
    }
    [[nodiscard]] std::FILE* file() const noexcept { return f_; }
    [[nodiscard]] std::uint64_t bytes_written() const noexcept { return offset_; }
};

/// A pcap writer over a sink. `create` writes the file header; each `write`
/// appends one record. Frames longer than the snaplen are cut to it, with the
/// full length kept as the original length (as a capture does).
template <PcapSink Sink>
class BasicPcapWriter {
    Sink sink_;
    PcapOptions opts_;
    std::uint64_t frames_ = 0;

    BasicPcapWriter(Sink&& s, const PcapOptions& o) : sink_(std::move(s)), opts_(o) {}

public:
    /// Writes the file header to `sink`. Errors: pcap.snaplen bad_value when 0;
    /// the sink's own errors.
    static Result<BasicPcapWriter> create(Sink sink, const PcapOptions& opts = {}) {
        if (opts.snaplen == 0) return Error::at(pcap_field::snaplen, 16, Errc::bad_value, 0, 1);
        const auto header = pcap_file_header(opts);
        if (auto r = sink.write(Bytes(header)); !r) return r.error();
        return BasicPcapWriter(std::move(sink), opts);
    }

    /// Creates (or truncates) `path` and writes the file header.
    static Result<BasicPcapWriter>
    open(const std::string& path,
         PcapPrecision precision = PcapPrecision::micro) requires std::same_as<Sink, FileSink> {
        PcapOptions o;
        o.precision = precision;
        return open(path, o);
    }
    static Result<BasicPcapWriter>
    open(const std::string& path, const PcapOptions& opts) requires std::same_as<Sink, FileSink> {
        auto f = FileSink::open(path);
        if (!f) return f.error();
        return create(std::move(*f), opts);
    }

    /// Appends one record: `frame` (cut to the snaplen) taken at `ts` (time
    /// since the Unix epoch; virtual time works as well). `original_len` is
    /// the frame's length on the wire; 0 means `frame.size()`. Without a
    /// time the record says 0 (1970-01-01).
    /// Errors: pcap.original_len bad_length when it is shorter than the frame;
    /// pcap.frame too_big past 2^32-1 bytes; pcap.timestamp (see
    /// pcap_record_header); the sink's errors.
    Result<void> write(Bytes frame, std::chrono::nanoseconds ts = {},
                       std::uint32_t original_len = 0) {
        if (frame.size() > 0xFFFF'FFFFu)
            return Error::at(pcap_field::frame, 0, Errc::too_big, frame.size(), 0xFFFF'FFFFu);
        const auto len = static_cast<std::uint32_t>(frame.size());
        if (original_len == 0) original_len = len;
        if (original_len < len)
            return Error::at(pcap_field::original_len, 0, Errc::bad_length, original_len, len);
        const std::uint32_t caplen = len < opts_.snaplen ? len : opts_.snaplen;
        auto header = pcap_record_header(ts, caplen, original_len, opts_.precision);
        if (!header) return header.error();
        if (auto r = sink_.write(Bytes(*header)); !r) return r.error();
        if (auto r = sink_.write(frame.first(caplen)); !r) return r.error();
        ++frames_;
        return {};
    }

    /// Flushes a sink that buffers (FileSink); a no-op for others.
    Result<void> flush() {
        if constexpr (requires(Sink & s) {
                          { s.flush() } -> std::same_as<Result<void>>;
                      })
            return sink_.flush();
        else
            return {};
    }
    /// Closes a sink that can be closed (FileSink); reports what fclose says.
    Result<void> close() {
        if constexpr (requires(Sink & s) {
                          { s.close() } -> std::same_as<Result<void>>;
                      })
            return sink_.close();
        else
            return {};
    }

    [[nodiscard]] Sink& sink() noexcept { return sink_; }
    [[nodiscard]] const Sink& sink() const noexcept { return sink_; }
    [[nodiscard]] const PcapOptions& options() const noexcept { return opts_; }
    [[nodiscard]] std::uint64_t frames_written() const noexcept { return frames_; }
};

/// Writes a pcap file (or a borrowed std::FILE*).
using PcapWriter = BasicPcapWriter<FileSink>;
/// Writes pcap into a std::vector<Byte>: `PcapVectorWriter::create(VectorSink(v))`.
using PcapVectorWriter = BasicPcapWriter<VectorSink>;

} // namespace strata
