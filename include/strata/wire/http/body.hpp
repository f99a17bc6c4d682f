// Message body length (RFC 9112 §6.3) and a streaming body reader.
//
// request_framing / response_framing apply §6.3 in order and say how the body
// ends: not at all (none), after N bytes (length), at the last chunk
// (chunked) or when the connection closes (until_close, responses only).
// Where §6.3 leaves a choice, the safe one is taken — these messages are
// what request smuggling is made of:
//   * Transfer-Encoding together with Content-Length is an error
//     (§6.3 item 3 allows rejecting; a proxy must never forward both).
//   * Transfer-Encoding in an HTTP/1.0 message is an error (§6.1: faulty framing).
//   * chunked applied twice is an error (§6.1 MUST NOT).
//   * A request whose final coding is not chunked is an error (§6.3 item 4).
//   * Content-Length must be digits only; a list or repeated field is
//     accepted only when every value is the same (§6.3 item 5).
// Error offsets are from the start of the start line when the views point
// into the parsed head (a built-by-hand message gets 0).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/chunked.hpp>
#include <strata/wire/http/method.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/request.hpp>
#include <strata/wire/http/response.hpp>
#include <strata/wire/http/status.hpp>
#include <strata/wire/http/syntax.hpp>

namespace strata::http {

enum class BodyKind : std::uint8_t {
    none,        ///< no body (or a zero Content-Length)
    length,      ///< exactly Framing::length bytes
    chunked,     ///< Transfer-Encoding: chunked
    until_close, ///< a response that ends when the server closes (§6.3 item 8)
};

struct Framing {
    BodyKind kind = BodyKind::none;
    std::uint64_t length = 0; ///< for BodyKind::length

    friend constexpr bool operator==(const Framing&, const Framing&) = default;
};

namespace detail {

/// Offset of `v` from `head` when v lies inside the head, else 0.
inline std::size_t offset_in(std::string_view head, std::string_view v) noexcept {
    const auto b = reinterpret_cast<std::uintptr_t>(head.data());
    const auto p = reinterpret_cast<std::uintptr_t>(v.data());
    return (head.data() != nullptr && p >= b && p - b <= head.size()) ? p - b : 0;
}

/// Calls f(element, offset_of_element) for each non-empty element of the
/// comma-separated list (RFC 9110 §5.6.1), OWS trimmed. Stops at an error.
template <class F>
Result<void> for_each_element(std::string_view list, F&& f) {
    std::size_t i = 0;
    while (i <= list.size()) {
        std::size_t j = list.find(',', i);
        if (j == std::string_view::npos) j = list.size();
        std::string_view e = list.substr(i, j - i);
        std::size_t lead = 0;
        while (lead < e.size() && is_ows(e[lead]))
            ++lead;
        e = trim_ows(e);
        if (!e.empty()) STRATA_TRY_VOID(f(e, i + lead));
        i = j + 1;
    }
    return {};
}

template <std::size_t N>
Result<Framing> framing_from_headers(const Headers<N>& h, Version v, std::string_view head,
                                     bool is_request) {
    // Transfer-Encoding (RFC 9112 §6.1)
    const Header* te = nullptr;
    bool chunked_last = false;
    std::size_t chunked_count = 0;
    for (const Header& f : h.all("transfer-encoding")) {
        if (te == nullptr) te = &f;
        STRATA_TRY_VOID(for_each_element(f.value, [&](std::string_view e, std::size_t) {
            const std::string_view coding = trim_ows(e.substr(0, e.find(';')));
            chunked_last = iequals(coding, "chunked");
            chunked_count += chunked_last ? 1 : 0;
            return Result<void>{};
        }));
    }
    const Header* cl = h.find("content-length");
    if (te != nullptr) {
        const std::size_t at = offset_in(head, te->name);
        if (v < http11) return Error::at(http_field::transfer_encoding, at, Errc::bad_version);
        if (cl != nullptr)
            return Error::at(http_field::transfer_encoding, offset_in(head, cl->name),
                             Errc::bad_length);
        if (chunked_count > 1)
            return Error::at(http_field::transfer_encoding, at, Errc::duplicate, chunked_count, 1);
        if (chunked_last) return Framing{BodyKind::chunked, 0};
        if (is_request) return Error::at(http_field::transfer_encoding, at, Errc::unsupported);
        return Framing{BodyKind::until_close, 0};
    }
    if (cl != nullptr) {
        bool have = false;
        std::uint64_t len = 0;
        for (const Header& f : h.all("content-length")) {
            const std::size_t base = offset_in(head, f.value);
            if (f.value.empty())
                return Error::at(http_field::content_length, base, Errc::bad_syntax);
            STRATA_TRY_VOID(
                for_each_element(f.value, [&](std::string_view e, std::size_t off) -> Result<void> {
                    std::uint64_t x = 0;
                    for (std::size_t i = 0; i < e.size(); ++i) {
                        if (e[i] < '0' || e[i] > '9')
                            return Error::at(http_field::content_length, base + off + i,
                                             Errc::bad_syntax);
                        const auto d = static_cast<std::uint64_t>(e[i] - '0');
                        if (x > (UINT64_MAX - d) / 10)
                            return Error::at(http_field::content_length, base + off, Errc::too_big);
                        x = x * 10 + d;
                    }
                    if (have && x != len)
                        return Error::at(http_field::content_length, base + off, Errc::bad_value, x,
                                         len);
                    have = true;
                    len = x;
                    return {};
                }));
        }
        if (!have)
            return Error::at(http_field::content_length, offset_in(head, cl->value),
                             Errc::bad_syntax);
        return len == 0 ? Framing{BodyKind::none, 0} : Framing{BodyKind::length, len};
    }
    return is_request ? Framing{BodyKind::none, 0} : Framing{BodyKind::until_close, 0};
}

} // namespace detail

/// How a request's body ends (RFC 9112 §6.3 items 3–7).
template <std::size_t N>
Result<Framing> request_framing(const Request<N>& r) {
    const std::string_view head{r.method_text.data(), r.head_len};
    return detail::framing_from_headers(r.headers, r.version, head, true);
}

/// How a response's body ends (RFC 9112 §6.3): the caller says which method
/// the request used, because HEAD and CONNECT change the answer.
template <std::size_t N>
Result<Framing> response_framing(const Response<N>& r, Method request_method) {
    // §6.3 item 1: HEAD, 1xx, 204, 304 never have content.
    if (request_method == Method::head || status_forbids_body(r.status))
        return Framing{BodyKind::none, 0};
    // §6.3 item 2: a 2xx to CONNECT turns the connection into a tunnel.
    if (request_method == Method::connect && r.status_class() == StatusClass::success)
        return Framing{BodyKind::none, 0};
    const std::string_view head{r.version_text.data(), r.head_len};
    return detail::framing_from_headers(r.headers, r.version, head, false);
}

/// Reads a body as it arrives, handing out its content as spans of the
/// pieces fed in (chunked bodies de-chunked). Pieces need not be kept.
class BodyDecoder {
    Framing f_;
    ChunkedDecoder chunked_;
    std::uint64_t remaining_ = 0;
    std::uint64_t pos_ = 0;
    bool done_ = false;

public:
    explicit BodyDecoder(Framing f, ChunkedOptions opt = {}) noexcept
        : f_(f), chunked_(opt), remaining_(f.length), done_(f.kind == BodyKind::none) {}

    [[nodiscard]] bool done() const noexcept { return done_; }
    [[nodiscard]] const Framing& framing() const noexcept { return f_; }

    /// Feeds the next piece; on_data(Bytes) sees each run of content.
    /// Progress.consumed is how much of the piece belonged to this body;
    /// complete says the body has ended (bytes after it are the next message).
    template <class OnData>
    Result<Progress> feed(Bytes piece, OnData&& on_data) {
        if (done_) return Progress{true, 0};
        switch (f_.kind) {
        case BodyKind::none:
            break;
        case BodyKind::length: {
            const std::size_t take =
                remaining_ < piece.size() ? static_cast<std::size_t>(remaining_) : piece.size();
            if (take != 0) on_data(piece.first(take));
            remaining_ -= take;
            pos_ += take;
            done_ = remaining_ == 0;
            return Progress{done_, take};
        }
        case BodyKind::chunked: {
            auto r = chunked_.feed(piece, on_data);
            if (r && r->complete) done_ = true;
            return r;
        }
        case BodyKind::until_close:
            if (!piece.empty()) on_data(piece);
            pos_ += piece.size();
            return Progress{false, piece.size()};
        }
        return Progress{true, 0};
    }

    /// The connection closed. Fine for until_close (the body is complete) and
    /// for finished bodies; otherwise Error "body" truncated.
    Result<void> finish() noexcept {
        if (f_.kind == BodyKind::until_close) done_ = true;
        if (done_) return {};
        if (f_.kind == BodyKind::length)
            return Error::at(http_field::body, static_cast<std::size_t>(pos_), Errc::truncated,
                             remaining_, 0);
        return Error::at(http_field::body, 0, Errc::truncated);
    }
};

} // namespace strata::http
