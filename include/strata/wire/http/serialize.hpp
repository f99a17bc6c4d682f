// Writing request and response heads (RFC 9112 §3, §4, §5) into a caller
// buffer without allocating, or into a std::string for convenience.
//
// Every piece is checked before it is written, so a value taken from
// untrusted input cannot inject a line (CR/LF in a header value is the
// classic response-splitting bug): method and field names must be tokens,
// the target visible RFC 3986 characters, values and the reason free of
// control bytes other than HTAB. The body is not written: send it after the
// head (encode_chunk in chunked.hpp for chunked bodies).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/fields.hpp>
#include <strata/wire/http/request.hpp>
#include <strata/wire/http/response.hpp>
#include <strata/wire/http/syntax.hpp>

namespace strata::http {

namespace detail {

class HeadWriter {
    MutBytes out_;
    std::size_t n_ = 0; // bytes needed so far (may exceed out_.size())

public:
    explicit HeadWriter(MutBytes out) noexcept : out_(out) {}
    void put(std::string_view s) noexcept {
        if (n_ <= out_.size() && s.size() <= out_.size() - n_)
            copy_bytes(std::span<const Byte>(reinterpret_cast<const Byte*>(s.data()), s.size()),
                       out_.data() + n_);
        n_ += s.size();
    }
    void put(char c) noexcept {
        if (n_ < out_.size()) out_[n_] = static_cast<Byte>(c);
        ++n_;
    }
    [[nodiscard]] std::size_t size() const noexcept { return n_; }
};

inline Result<void> check_token(std::string_view s, const Field& field) noexcept {
    if (s.empty()) return Error::at(field, 0, Errc::bad_syntax);
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!tchar[static_cast<unsigned char>(s[i])]) return Error::at(field, i, Errc::bad_syntax);
    return {};
}

inline Result<void> check_text(std::string_view s, const Field& field) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i)
        if (is_line_stop(static_cast<unsigned char>(s[i])))
            return Error::at(field, i, Errc::bad_value, static_cast<unsigned char>(s[i]));
    return {};
}

inline void put_version(HeadWriter& w, Version v) noexcept {
    w.put("HTTP/");
    w.put(static_cast<char>('0' + v.major % 10));
    w.put('.');
    w.put(static_cast<char>('0' + v.minor % 10));
}

template <std::size_t N>
Result<void> put_fields(HeadWriter& w, const Headers<N>& h) noexcept {
    for (const Header& f : h) {
        STRATA_TRY_VOID(check_token(f.name, http_field::header_name));
        STRATA_TRY_VOID(check_text(f.value, http_field::header_value));
        // A value with edge whitespace would not survive a round trip (RFC 9112 §5).
        if (!f.value.empty() && (is_ows(f.value.front()) || is_ows(f.value.back())))
            return Error::at(http_field::header_value, 0, Errc::bad_syntax);
        w.put(f.name);
        w.put(": ");
        w.put(f.value);
        w.put("\r\n");
    }
    w.put("\r\n");
    return {};
}

template <std::size_t N>
Result<void> write_head(HeadWriter& w, const Request<N>& r) noexcept {
    const std::string_view m = r.method_name();
    STRATA_TRY_VOID(check_token(m, http_field::method));
    if (r.target.empty()) return Error::at(http_field::target, 0, Errc::bad_syntax);
    for (std::size_t i = 0; i < r.target.size(); ++i)
        if (!target_char[static_cast<unsigned char>(r.target[i])])
            return Error::at(http_field::target, i, Errc::bad_syntax);
    w.put(m);
    w.put(' ');
    w.put(r.target);
    w.put(' ');
    put_version(w, r.version);
    w.put("\r\n");
    return put_fields(w, r.headers);
}

template <std::size_t N>
Result<void> write_head(HeadWriter& w, const Response<N>& r) noexcept {
    const unsigned c = code(r.status);
    if (c < 100 || c > 999) return Error::at(http_field::status_code, 0, Errc::bad_value, c, 100);
    const std::string_view reason = r.reason.empty() ? reason_phrase(r.status) : r.reason;
    STRATA_TRY_VOID(check_text(reason, http_field::reason));
    put_version(w, r.version);
    w.put(' ');
    w.put(static_cast<char>('0' + c / 100));
    w.put(static_cast<char>('0' + c / 10 % 10));
    w.put(static_cast<char>('0' + c % 10));
    w.put(' ');
    w.put(reason);
    w.put("\r\n");
    return put_fields(w, r.headers);
}

template <class Message>
Result<std::size_t> serialize_into(const Message& m, MutBytes out) noexcept {
    HeadWriter w{out};
    STRATA_TRY_VOID(write_head(w, m));
    if (w.size() > out.size())
        return Error::at(http_field::head, 0, Errc::buffer_too_small, w.size(), out.size());
    return w.size();
}

template <class Message>
Result<std::string> serialize_string(const Message& m) {
    HeadWriter probe{MutBytes{}};
    STRATA_TRY_VOID(write_head(probe, m));
    std::string s(probe.size(), '\0');
    HeadWriter w{MutBytes{reinterpret_cast<Byte*>(s.data()), s.size()}};
    STRATA_TRY_VOID(write_head(w, m));
    return s;
}

} // namespace detail

/// Writes the request head into `out`; returns the bytes written, or Error
/// buffer_too_small (value = bytes needed) with nothing promised about `out`.
template <std::size_t N>
Result<std::size_t> serialize(const Request<N>& r, MutBytes out) noexcept {
    return detail::serialize_into(r, out);
}

/// Writes the response head; an empty reason becomes reason_phrase(status).
template <std::size_t N>
Result<std::size_t> serialize(const Response<N>& r, MutBytes out) noexcept {
    return detail::serialize_into(r, out);
}

template <std::size_t N>
Result<std::string> to_string(const Request<N>& r) {
    return detail::serialize_string(r);
}

template <std::size_t N>
Result<std::string> to_string(const Response<N>& r) {
    return detail::serialize_string(r);
}

} // namespace strata::http
