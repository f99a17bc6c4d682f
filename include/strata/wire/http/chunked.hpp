// The chunked transfer coding (RFC 9112 §7.1): a streaming decoder that
// hands out the chunk data as spans of the pieces it is fed (no copy, no
// accumulation), and an encoder that writes chunks into a caller buffer.
//
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//   last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// Chunk sizes are hex with an overflow check (a size that does not fit 64
// bits is an error, not a wrap — the classic smuggling trick). Chunk
// extensions are skipped (RFC 9112 §7.1.1: a recipient MUST ignore unknown
// ones) but bounded by max_line. Trailer fields are checked line by line
// (a ':' in each, no control bytes, bounded by max_trailer) and then dropped:
// RFC 9110 §6.5.1 lets a recipient discard them. Line endings must be CRLF.
// Error offsets count from the first byte of the chunked body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/fields.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/syntax.hpp>

namespace strata::http {

struct ChunkedOptions {
    std::size_t max_line = 4 * 1024;    ///< chunk-size line with its extensions
    std::size_t max_trailer = 8 * 1024; ///< all trailer field lines together
};

class ChunkedDecoder {
    enum class St : std::uint8_t {
        size,
        ext,
        size_lf,
        data,
        data_cr,
        data_lf,
        trailer_start,
        trailer_line,
        trailer_lf,
        final_lf,
        done,
        failed,
    };

    ChunkedOptions opt_;
    std::uint64_t remaining_ = 0; // of the current chunk (or its size while reading it)
    std::uint64_t pos_ = 0;       // stream offset of the piece being fed
    std::size_t line_len_ = 0;
    std::size_t digits_ = 0;
    std::size_t trailer_bytes_ = 0;
    bool colon_ = false;
    St st_ = St::size;
    Error err_{};

    Result<Progress> fail(const Field& field, std::uint64_t at, Errc code, std::uint64_t value = 0,
                          std::uint64_t expected = 0) noexcept {
        err_ = Error::at(field, static_cast<std::size_t>(at), code, value, expected);
        st_ = St::failed;
        return err_;
    }

    static constexpr int hex(Byte c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

public:
    constexpr ChunkedDecoder() = default;
    constexpr explicit ChunkedDecoder(ChunkedOptions opt) noexcept : opt_(opt) {}

    [[nodiscard]] constexpr bool done() const noexcept { return st_ == St::done; }

    /// Decodes `piece` (the next bytes of the body, any size), calling
    /// on_data(Bytes) for each run of chunk data inside it. Returns
    /// {complete=false, consumed=piece.size()} while more is needed, or
    /// {complete=true, consumed=k} when the body ended after k bytes of this
    /// piece (the rest belongs to the next message).
    template <class OnData>
    Result<Progress> feed(Bytes piece, OnData&& on_data) {
        if (st_ == St::failed) return err_;
        if (st_ == St::done) return Progress{true, 0};
        const std::size_t n = piece.size();
        std::size_t i = 0;
        while (i < n) {
            const Byte c = piece[i];
            const std::uint64_t at = pos_ + i;
            switch (st_) {
            case St::size: {
                const int h = hex(c);
                if (h >= 0) {
                    if (remaining_ > (UINT64_MAX >> 4))
                        return fail(http_field::chunk_size, at, Errc::too_big);
                    remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(h);
                    ++digits_;
                } else if (digits_ == 0) {
                    return fail(http_field::chunk_size, at, Errc::bad_syntax, c);
                } else if (c == '\r') {
                    st_ = St::size_lf;
                } else if (c == ';' || detail::is_ows(static_cast<char>(c))) {
                    st_ = St::ext;
                } else {
                    return fail(http_field::chunk_size, at, Errc::bad_syntax, c);
                }
                break;
            }
            case St::ext:
                if (c == '\r')
                    st_ = St::size_lf;
                else if (detail::is_line_stop(c))
                    return fail(http_field::chunk_ext, at, Errc::bad_syntax, c);
                break;
            case St::size_lf:
                if (c != '\n') return fail(http_field::line_ending, at, Errc::bad_syntax);
                st_ = remaining_ == 0 ? St::trailer_start : St::data;
                line_len_ = 0;
                digits_ = 0;
                ++i;
                continue;
            case St::data: {
                const std::size_t take =
                    remaining_ < n - i ? static_cast<std::size_t>(remaining_) : n - i;
                on_data(piece.subspan(i, take));
                remaining_ -= take;
                i += take;
                if (remaining_ == 0) st_ = St::data_cr;
                continue;
            }
            case St::data_cr:
                if (c != '\r') return fail(http_field::chunk_data, at, Errc::bad_syntax);
                st_ = St::data_lf;
                break;
            case St::data_lf:
                if (c != '\n') return fail(http_field::chunk_data, at, Errc::bad_syntax);
                st_ = St::size;
                line_len_ = 0;
                ++i;
                continue;
            case St::trailer_start:
                if (c == '\r') {
                    st_ = St::final_lf;
                    break;
                }
                st_ = St::trailer_line;
                colon_ = false;
                [[fallthrough]];
            case St::trailer_line:
                if (c == '\r') {
                    if (!colon_) return fail(http_field::trailer, at, Errc::bad_syntax);
                    st_ = St::trailer_lf;
                } else if (c == '\n') {
                    return fail(http_field::line_ending, at, Errc::bad_syntax);
                } else if (detail::is_line_stop(c)) {
                    return fail(http_field::trailer, at, Errc::bad_value, c);
                } else if (c == ':') {
                    colon_ = true;
                }
                if (++trailer_bytes_ > opt_.max_trailer)
                    return fail(http_field::trailer, at, Errc::limit_exceeded, trailer_bytes_,
                                opt_.max_trailer);
                break;
            case St::trailer_lf:
                if (c != '\n') return fail(http_field::line_ending, at, Errc::bad_syntax);
                st_ = St::trailer_start;
                break;
            case St::final_lf:
                if (c != '\n') return fail(http_field::line_ending, at, Errc::bad_syntax);
                st_ = St::done;
                pos_ += i + 1;
                return Progress{true, i + 1};
            case St::done:
            case St::failed:
                break; // unreachable: handled before the loop
            }
            if ((st_ == St::size || st_ == St::ext) && ++line_len_ > opt_.max_line)
                return fail(http_field::chunk_size, at, Errc::limit_exceeded, line_len_,
                            opt_.max_line);
            ++i;
        }
        pos_ += n;
        return Progress{false, n};
    }
};

/// Bytes encode_chunk writes for `n` data bytes: hex size, CRLF, data, CRLF.
constexpr std::size_t chunk_encoded_len(std::size_t n) noexcept {
    if (n == 0) return 0;
    std::size_t digits = 0;
    for (std::size_t v = n; v != 0; v >>= 4)
        ++digits;
    return digits + 2 + n + 2;
}

/// Writes `data` as one chunk. Empty data writes nothing (an empty chunk
/// would be the last-chunk); returns the bytes written.
inline Result<std::size_t> encode_chunk(Bytes data, MutBytes out) noexcept {
    const std::size_t len = chunk_encoded_len(data.size());
    if (len > out.size())
        return Error::at(http_field::chunk, 0, Errc::buffer_too_small, len, out.size());
    if (len == 0) return std::size_t{0};
    const std::size_t digits = len - 4 - data.size();
    std::size_t v = data.size();
    for (std::size_t i = digits; i-- > 0; v >>= 4)
        out[i] = static_cast<Byte>("0123456789abcdef"[v & 0xf]);
    out[digits] = '\r';
    out[digits + 1] = '\n';
    std::memcpy(out.data() + digits + 2, data.data(), data.size());
    out[len - 2] = '\r';
    out[len - 1] = '\n';
    return len;
}

/// Writes the last-chunk and an empty trailer section: "0\r\n\r\n".
inline Result<std::size_t> encode_last_chunk(MutBytes out) noexcept {
    if (out.size() < 5)
        return Error::at(http_field::chunk, 0, Errc::buffer_too_small, 5, out.size());
    std::memcpy(out.data(), "0\r\n\r\n", 5);
    return std::size_t{5};
}

} // namespace strata::http
