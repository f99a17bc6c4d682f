// Incremental HTTP/1.1 head parser (RFC 9112 §2–§5): the request-line or
// status-line and the header section, fed as TCP delivers them.
//
// Contract (views need stable bytes):
//   * The caller owns one buffer per message and appends to it whatever the
//     connection delivers; each feed(buffer) passes the whole buffer so far,
//     starting at the message's first byte. Bytes already passed never change.
//   * The parser resumes at the byte where the previous call stopped: each
//     byte is scanned once for the line end and each complete line is parsed
//     once, so the cost stays linear however small the pieces are.
//   * If the buffer moved (a std::string or vector grew), the parser notices
//     the new address and moves every view it made with it.
//   * feed() answers {complete=false} (need more) or {complete=true,
//     consumed=head_len}: the body, if any, starts at buffer[head_len] and is
//     read with BodyDecoder (body.hpp), which does not need accumulation.
//   * An error is final: later calls return it again. reset() starts over.
//
// Choices the RFC leaves open, made for safety (a proxy built on this must
// not disagree with the server behind it about where a message ends):
//   * A bare LF line ending is rejected unless ParseOptions::accept_bare_lf
//     (RFC 9112 §2.2 "MAY recognize a single LF"); a bare CR always is.
//   * obs-fold (a field line starting with SP/HTAB) is rejected
//     (RFC 9112 §5.2 allows rejecting), so is whitespace before ':' (§5.1 MUST).
//   * Empty lines before a request-line are skipped (§2.2 SHOULD).
//   * "HTTP/1.1 200" without the SP before an empty reason is accepted.
//   * Only HTTP/1.x is accepted (the major version must be 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/field.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/fields.hpp>
#include <strata/wire/http/request.hpp>
#include <strata/wire/http/response.hpp>
#include <strata/wire/http/syntax.hpp>

namespace strata::http {

struct ParseOptions {
    std::size_t max_line = 8 * 1024;  ///< bytes of one line, CRLF excluded
    std::size_t max_head = 64 * 1024; ///< bytes of the whole head, empty line included
    bool accept_bare_lf = false;      ///< treat a lone LF as CRLF (RFC 9112 §2.2)
};

struct Progress {
    bool complete = false;
    std::size_t consumed = 0; ///< head bytes when complete, else 0

    friend constexpr bool operator==(const Progress&, const Progress&) = default;
};

namespace detail {

/// Parses "HTTP/" DIGIT "." DIGIT at s (8 bytes available).
inline Result<Version> parse_version(const char* s, std::size_t at) noexcept {
    if (std::memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' || s[6] != '.' || s[7] < '0' ||
        s[7] > '9')
        return Error::at(http_field::version, Errc::bad_syntax).rebased(at);
    const auto major = static_cast<std::uint8_t>(s[5] - '0');
    if (major != 1)
        return Error::at(http_field::version, Errc::bad_version, major, 1).rebased(at + 5);
    return Version{major, static_cast<std::uint8_t>(s[7] - '0')};
}

template <class Message, bool IsRequest>
class HeadParser {
    enum class Phase : std::uint8_t { start_line, fields, done, failed };

    Message msg_{};
    ParseOptions opt_;
    const char* base_ = nullptr;
    std::size_t line_ = 0; // offset of the line being assembled
    std::size_t scan_ = 0; // where the search for its end resumes
    Phase phase_ = Phase::start_line;
    Error err_{};

    static constexpr const Field& start_field =
        IsRequest ? http_field::request_line : http_field::status_line;

    Result<Progress> fail(const Field& field, std::size_t at, Errc code, std::uint64_t value = 0,
                          std::uint64_t expected = 0) noexcept {
        return fail(Error::at(field, code, value, expected).rebased(at));
    }
    Result<Progress> fail(const Error& e) noexcept {
        err_ = e;
        phase_ = Phase::failed;
        return err_;
    }

    void rebase_views(const char* to) noexcept {
        if constexpr (IsRequest) {
            msg_.method_text = rebased(msg_.method_text, base_, to);
            msg_.target = rebased(msg_.target, base_, to);
        } else {
            msg_.reason = rebased(msg_.reason, base_, to);
        }
        msg_.version_text = rebased(msg_.version_text, base_, to);
        msg_.headers.rebase(base_, to);
    }

    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    Result<Progress> request_line(const char* s, std::size_t len) noexcept {
        const auto* u = reinterpret_cast<const unsigned char*>(s);
        std::size_t k = 0;
        while (k < len && tchar[u[k]])
            ++k;
        if (k == len && k != 0)
            return fail(http_field::request_line, line_ + len, Errc::bad_syntax);
        if (k == 0 || s[k] != ' ') return fail(http_field::method, line_ + k, Errc::bad_syntax);
        msg_.method_text = {s, k};
        msg_.method = method_from_token(msg_.method_text);
        const std::size_t t = k + 1;
        std::size_t j = t;
        while (j < len && target_char[u[j]])
            ++j;
        if (j == t) return fail(http_field::target, line_ + t, Errc::bad_syntax);
        if (j == len) return fail(http_field::request_line, line_ + len, Errc::bad_syntax);
        if (s[j] != ' ') return fail(http_field::target, line_ + j, Errc::bad_syntax);
        msg_.target = {s + t, j - t};
        const std::size_t v = j + 1;
        if (len - v != 8) return fail(http_field::version, line_ + v, Errc::bad_syntax);
        auto ver = parse_version(s + v, line_ + v);
        if (!ver) return fail(ver.error());
        msg_.version = *ver;
        msg_.version_text = {s + v, 8};
        return Progress{};
    }

    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
    Result<Progress> status_line(const char* s, std::size_t len) noexcept {
        if (len < 8) return fail(http_field::version, line_, Errc::bad_syntax);
        auto ver = parse_version(s, line_);
        if (!ver) return fail(ver.error());
        msg_.version = *ver;
        msg_.version_text = {s, 8};
        if (len < 12 || s[8] != ' ')
            return fail(http_field::status_line, line_ + 8, Errc::bad_syntax);
        unsigned c = 0;
        for (std::size_t i = 9; i < 12; ++i) {
            if (s[i] < '0' || s[i] > '9')
                return fail(http_field::status_code, line_ + i, Errc::bad_syntax);
            c = c * 10 + static_cast<unsigned>(s[i] - '0');
        }
        if (c < 100) return fail(http_field::status_code, line_ + 9, Errc::bad_value, c, 100);
        msg_.status = static_cast<Status>(c);
        if (len == 12) {
            msg_.reason = {s + 12, 0};
        } else {
            if (s[12] != ' ') return fail(http_field::status_code, line_ + 12, Errc::bad_syntax);
            msg_.reason = {s + 13, len - 13};
        }
        return Progress{};
    }

    // field-line = field-name ":" OWS field-value OWS (RFC 9112 §5)
    Result<Progress> field_line(const char* s, std::size_t len) noexcept {
        if (is_ows(s[0])) return fail(http_field::obs_fold, line_, Errc::unsupported);
        const auto* u = reinterpret_cast<const unsigned char*>(s);
        std::size_t k = 0;
        while (k < len && tchar[u[k]])
            ++k;
        if (k == len) return fail(http_field::header, line_, Errc::bad_syntax);
        if (s[k] != ':') {
            if (std::memchr(s + k, ':', len - k) == nullptr)
                return fail(http_field::header, line_, Errc::bad_syntax);
            return fail(http_field::header_name, line_ + k, Errc::bad_syntax);
        }
        if (k == 0) return fail(http_field::header_name, line_, Errc::bad_syntax);
        std::size_t b = k + 1;
        std::size_t e = len;
        while (b < e && is_ows(s[b]))
            ++b;
        while (e > b && is_ows(s[e - 1]))
            --e;
        if (!msg_.headers.add({s, k}, {s + b, e - b}))
            return fail(http_field::headers, line_, Errc::limit_exceeded, msg_.headers.size() + 1,
                        msg_.headers.capacity);
        return Progress{};
    }

    // The limits for the line being read, `line_bytes` of it and `head_bytes`
    // of the head known so far. When both are broken the one whose threshold
    // lies first in the stream wins (the line's at byte line_ + max_line, the
    // head's at byte max_head), so the error does not depend on how the
    // bytes were split: a split feed stops at whichever it crosses first.
    Result<Progress> check_limits(std::size_t line_bytes, std::size_t head_bytes) noexcept {
        const bool line_over = line_bytes > opt_.max_line;
        const bool head_over = head_bytes > opt_.max_head;
        if (line_over && (!head_over || line_ + opt_.max_line <= opt_.max_head))
            return fail(phase_ == Phase::start_line ? start_field : http_field::header, line_,
                        Errc::limit_exceeded, line_bytes, opt_.max_line);
        if (head_over)
            return fail(http_field::head, opt_.max_head, Errc::limit_exceeded, head_bytes,
                        opt_.max_head);
        return Progress{};
    }

    Result<Progress> need_more(std::size_t n) noexcept { return check_limits(scan_ - line_, n); }

public:
    using message_type = Message;

    // User-provided, so that value-initialisation (variant::emplace<I>(),
    // `HeadParser{}`) does not clear the whole object before the member
    // initialisers run.
    HeadParser() noexcept {}
    constexpr explicit HeadParser(ParseOptions opt) noexcept : opt_(opt) {}

    /// Forgets the message; the options stay.
    void reset() noexcept {
        if constexpr (IsRequest) {
            msg_.method_text = {};
            msg_.target = {};
        } else {
            msg_.reason = {};
        }
        msg_.version_text = {};
        msg_.headers.clear();
        msg_.head_len = 0;
        base_ = nullptr;
        line_ = scan_ = 0;
        phase_ = Phase::start_line;
    }

    [[nodiscard]] const Message& message() const noexcept { return msg_; }
    [[nodiscard]] bool complete() const noexcept { return phase_ == Phase::done; }

    /// See the contract at the top of this file.
    Result<Progress> feed(Bytes buffer) noexcept {
        if (phase_ == Phase::failed) return err_;
        const char* c = reinterpret_cast<const char*>(buffer.data());
        const auto* p = buffer.data();
        const std::size_t n = buffer.size();
        if (n < scan_) return fail(http_field::buffer, n, Errc::bad_length, n, scan_);
        if (base_ != nullptr && base_ != c) rebase_views(c);
        base_ = c;
        if (phase_ == Phase::done) return Progress{true, msg_.head_len};

        for (;;) {
            const std::size_t i = scan_line_stop(p, scan_, n);
            if (i == n) {
                scan_ = n;
                return need_more(n);
            }
            std::size_t next = 0; // stays 0 when the line cannot end well at i
            if (p[i] == '\r') {
                if (i + 1 == n) {
                    scan_ = i;
                    return need_more(n);
                }
                if (p[i + 1] == '\n') next = i + 2;
            } else if (p[i] == '\n' && opt_.accept_bare_lf) {
                next = i + 1;
            }
            const std::size_t len = i - line_;
            // Limits before the verdict on the line end: fed in pieces, the
            // same bytes would have crossed a limit (need_more) before the
            // bad byte arrived.
            if (auto r = check_limits(len, next != 0 ? next : i + 1); !r) return r;
            if (next == 0) {
                if (p[i] == '\r' || p[i] == '\n')
                    return fail(http_field::line_ending, i, Errc::bad_syntax);
                return fail(http_field::line, i, Errc::bad_value, p[i]);
            }

            const char* s = c + line_;
            if (phase_ == Phase::start_line) {
                if (len == 0) {
                    // RFC 9112 §2.2: ignore empty lines before a request-line.
                    if (!IsRequest) return fail(http_field::status_line, line_, Errc::bad_syntax);
                } else {
                    Result<Progress> r = Progress{};
                    if constexpr (IsRequest)
                        r = request_line(s, len);
                    else
                        r = status_line(s, len);
                    if (!r) return r;
                    phase_ = Phase::fields;
                }
            } else if (len == 0) {
                phase_ = Phase::done;
                msg_.head_len = next;
                line_ = scan_ = next;
                return Progress{true, next};
            } else {
                auto r = field_line(s, len);
                if (!r) return r;
            }
            line_ = scan_ = next;
        }
    }
};

} // namespace detail

/// Parses request heads; N is the header capacity (more fields → Error
/// {"http", "headers", limit_exceeded}).
template <std::size_t N = 64>
using RequestParser = detail::HeadParser<Request<N>, true>;

/// Parses response heads; what the body looks like depends on the request
/// too: see response_framing() in body.hpp.
template <std::size_t N = 64>
using ResponseParser = detail::HeadParser<Response<N>, false>;

} // namespace strata::http
