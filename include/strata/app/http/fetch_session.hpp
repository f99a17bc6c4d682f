// One HTTP/1.1 client exchange — the browser of DESIGN.md §1 step 1 — as a
// state machine that knows nothing of sockets: it says where to connect and
// what to send, then reads the response from whatever bytes the caller
// received, handing the content to a sink as it arrives (a 100 MB body is
// never held unless the sink keeps it).
//
//   make(url)   addr/url.hpp parses the URL (http only: https needs TLS);
//               host() / port() say where to connect;
//   request()   "GET <origin-form> HTTP/1.1" with Host (RFC 9110 §7.2,
//               RFC 9112 §3.2 MUST), User-Agent, Accept, Connection
//               (wire/http/serialize.hpp writes it);
//   feed(b, s)  ResponseParser reads the status line and header section,
//               response_framing + BodyDecoder the content (Content-Length,
//               chunked, or until the server closes: RFC 9112 §6.3), each run
//               of content goes to s(Bytes);
//   finish()    the connection closed: a complete response, or an error.
//
// Interim 1xx responses (RFC 9110 §15.2: a client MUST be able to parse
// them) are skipped, except 101, which would switch protocols: unsupported.
// Errors are strata Errors: the URL's, or {"http", field, offset} with the
// offset counted from the first byte of the response (interim ones included).
// The URL's userinfo is never sent (RFC 9110 §4.2.4 forbids it in the
// message); its fragment neither (RFC 9110 §7.1).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/addr/url.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/body.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>

namespace strata::app {

struct FetchOptions {
    std::string_view user_agent = "strata"; ///< RFC 9110 §10.1.5; empty: none
    std::string_view accept = "*/*";        ///< RFC 9110 §12.5.1; empty: none
    /// false: "Connection: close" (one exchange, like curl's single fetch);
    /// true: "Connection: keep-alive" and the connection may be reused when
    /// FetchResult::keep_alive says so.
    bool keep_alive = false;
    http::ParseOptions parse{};
    http::ChunkedOptions chunked{};
};

/// What the exchange produced. The views point into the session and stay
/// valid while it lives.
struct FetchResult {
    http::Status status = http::Status::ok;
    http::Version version = http::http11;
    std::string_view reason;
    std::string_view content_type;               ///< empty when absent
    std::optional<std::uint64_t> content_length; ///< when the framing said so
    http::BodyKind framing = http::BodyKind::none;
    std::uint64_t body_bytes = 0;  ///< content handed to the sink (de-chunked)
    std::uint64_t head_bytes = 0;  ///< response head bytes, interim responses included
    std::uint64_t extra_bytes = 0; ///< bytes received after the response ended (ignored)
    std::size_t interim = 0;       ///< 1xx responses skipped
    bool complete = false;         ///< the whole response arrived
    /// The server keeps the connection open for another request (RFC 9112
    /// §9.3); false whenever the body ended by close.
    bool keep_alive = false;
};

class FetchSession {
public:
    enum class Phase : std::uint8_t { head, body, done, failed };

private:
    std::vector<char> url_text_; // the URL the views of url_ point into (heap: stable on move)
    Url url_{};
    std::vector<Byte> request_;
    std::vector<Byte> head_buf_; // one response head at a time
    std::size_t head_fill_ = 0;
    http::ResponseParser<> parser_;
    http::BodyDecoder body_{http::Framing{}};
    FetchOptions opt_;
    FetchResult result_;
    Phase phase_ = Phase::head;
    Error err_{};
    std::uint64_t stream_pos_ = 0; // response bytes before head_buf_[0] (or consumed in the body)
    std::uint64_t body_start_ = 0; // offset of the content's first byte

    FetchSession(FetchOptions opt) : parser_(opt.parse), opt_(opt) {}

    Result<bool> fail(const Error& e) noexcept {
        err_ = e;
        phase_ = Phase::failed;
        return e;
    }

public:
    // The URL's views point into url_text_: a copy would point into the
    // original. Moves keep the heap buffers (and so every view) in place.
    FetchSession(const FetchSession&) = delete;
    FetchSession& operator=(const FetchSession&) = delete;
    FetchSession(FetchSession&&) noexcept = default;
    FetchSession& operator=(FetchSession&&) noexcept = default;

    /// A session for `url` (copied). Errors: the URL parser's, or
    /// {"url", "scheme", 0, unsupported} for anything but http, or
    /// {"http_app", "request", ...} when the request cannot be written.
    static Result<FetchSession> make(std::string_view url, FetchOptions opt = {}) {
        FetchSession s{opt};
        s.url_text_.assign(url.begin(), url.end());
        auto u = Url::parse({s.url_text_.data(), s.url_text_.size()});
        if (!u) return u.error();
        if (!u->is(UrlScheme::http)) return Error{"url", "scheme", 0, Errc::unsupported};
        s.url_ = *u;
        if (auto r = s.build_request(); !r) return r.error();
        s.head_buf_.resize(opt.parse.max_head + 1);
        return s;
    }

    /// The parsed URL (views into the session's copy).
    [[nodiscard]] const Url& url() const noexcept { return url_; }
    /// Where to connect: the URL's host (a name needs DNS first; an IPv4
    /// literal is url().ipv4) and port (80 unless the URL says otherwise).
    [[nodiscard]] std::string_view host() const noexcept { return url_.host; }
    [[nodiscard]] std::uint16_t port() const noexcept { return url_.port; }
    /// The request bytes to send.
    [[nodiscard]] Bytes request() const noexcept { return Bytes{request_}; }

    [[nodiscard]] Phase phase() const noexcept { return phase_; }
    [[nodiscard]] bool done() const noexcept { return phase_ == Phase::done; }
    /// The status line and header fields of the final response, once read.
    [[nodiscard]] const http::Response<>& response() const noexcept { return parser_.message(); }
    [[nodiscard]] const FetchResult& result() const noexcept { return result_; }

    /// The next bytes the connection delivered. Content goes to
    /// sink(Bytes) as it is decoded. Returns true once the response is
    /// complete (later bytes only count as extra_bytes), false while more is
    /// needed, or an Error (final: later calls repeat it).
    template <class Sink>
    Result<bool> feed(Bytes received, Sink&& sink) {
        if (phase_ == Phase::failed) return err_;
        while (!received.empty()) {
            if (phase_ == Phase::done) {
                result_.extra_bytes += received.size();
                return true;
            }
            if (phase_ == Phase::body) {
                auto r = body_.feed(received, [&](Bytes b) {
                    result_.body_bytes += b.size();
                    sink(b);
                });
                if (!r) return fail(r.error().rebased(static_cast<std::size_t>(body_start_)));
                stream_pos_ += r->consumed;
                received = received.subspan(r->consumed);
                if (r->complete) complete();
                continue;
            }
            // head: copy what fits after the bytes already held; the parser
            // needs the head contiguous from its first byte.
            const std::size_t room = head_buf_.size() - head_fill_;
            if (room == 0) // unreachable: the parser refuses max_head + 1 bytes first
                return fail(Error::at(http_field::head, static_cast<std::size_t>(stream_pos_),
                                      Errc::limit_exceeded, head_fill_, opt_.parse.max_head));
            const std::size_t k = received.size() < room ? received.size() : room;
            std::memcpy(head_buf_.data() + head_fill_, received.data(), k);
            const std::size_t before = head_fill_;
            head_fill_ += k;
            auto r = parser_.feed(Bytes{head_buf_.data(), head_fill_});
            if (!r) return fail(r.error().rebased(static_cast<std::size_t>(stream_pos_)));
            if (!r->complete) {
                received = received.subspan(k);
                continue; // k == received.size(): the buffer holds max_head + 1
            }
            // The head ended inside this piece (it had not before it).
            const std::size_t head_len = r->consumed;
            received = received.subspan(head_len - before);
            stream_pos_ += head_len;
            result_.head_bytes += head_len;
            if (auto s = on_head(); !s) return fail(s.error());
        }
        return phase_ == Phase::done;
    }
    /// The same, throwing the content away (only counted).
    Result<bool> feed(Bytes received) {
        return feed(received, [](Bytes) {});
    }

    /// The connection closed (EOF). The response is complete if its framing
    /// allows ending here (until-close, or already complete); else an Error:
    /// {"http", "head", offset, truncated} inside the head, the body
    /// decoder's {"http", "body", ..., truncated} inside the content.
    Result<void> finish() noexcept {
        if (phase_ == Phase::failed) return err_;
        if (phase_ == Phase::done) return {};
        if (phase_ == Phase::head) {
            (void)fail(Error::at(http_field::head,
                                 static_cast<std::size_t>(stream_pos_) + head_fill_,
                                 Errc::truncated));
            return err_;
        }
        auto r = body_.finish();
        if (!r) {
            (void)fail(r.error().rebased(static_cast<std::size_t>(body_start_)));
            return err_;
        }
        complete();
        return {};
    }

private:
    Result<void> build_request() {
        // Host = uri-host [ ":" port ] (RFC 9110 §7.2); the default port is
        // left out (§4.2.3 normalisation, as browsers and curl do).
        std::vector<char> host;
        if (url_.host_kind == HostKind::ipv6) host.push_back('[');
        host.insert(host.end(), url_.host.begin(), url_.host.end());
        if (url_.host_kind == HostKind::ipv6) host.push_back(']');
        if (url_.port_explicit && url_.port != default_port(UrlScheme::http)) {
            char digits[6];
            const auto end = std::to_chars(digits, digits + sizeof digits, url_.port).ptr;
            host.push_back(':');
            host.insert(host.end(), digits, end);
        }
        const std::string target = url_.origin_form();
        http::Request<6> req;
        req.method = http::Method::get;
        req.target = target;
        req.version = http::http11;
        (void)req.headers.add("Host", {host.data(), host.size()});
        if (!opt_.user_agent.empty()) (void)req.headers.add("User-Agent", opt_.user_agent);
        if (!opt_.accept.empty()) (void)req.headers.add("Accept", opt_.accept);
        (void)req.headers.add("Connection", opt_.keep_alive ? "keep-alive" : "close");
        auto text = http::to_string(req);
        if (!text) {
            Error e = text.error();
            e.layer = "http_app";
            return e;
        }
        const auto* p = reinterpret_cast<const Byte*>(text->data());
        request_.assign(p, p + text->size());
        return {};
    }

    Result<void> on_head() {
        const http::Response<>& resp = parser_.message();
        const http::Status st = resp.status;
        if (http::status_class(st) == http::StatusClass::informational) {
            if (st == http::Status::switching_protocols)
                return Error::at(http_field::status_code,
                                 static_cast<std::size_t>(stream_pos_ - resp.head_len) + 9,
                                 Errc::unsupported, 101);
            // An interim response: the final one follows. The bytes after it
            // are still in the piece feed() is reading: start a new head.
            ++result_.interim;
            parser_.reset();
            head_fill_ = 0;
            return {};
        }
        auto framing = http::response_framing(resp, http::Method::get);
        if (!framing)
            return framing.error().rebased(static_cast<std::size_t>(stream_pos_ - resp.head_len));
        result_.status = st;
        result_.version = resp.version;
        result_.reason = resp.reason;
        result_.content_type = resp.headers.value("content-type").value_or(std::string_view{});
        result_.framing = framing->kind;
        if (framing->kind == http::BodyKind::length) result_.content_length = framing->length;
        if (framing->kind == http::BodyKind::none && resp.headers.contains("content-length"))
            result_.content_length = 0;
        body_ = http::BodyDecoder{*framing, opt_.chunked};
        body_start_ = stream_pos_;
        phase_ = Phase::body;
        if (body_.done()) complete(); // no content (HEAD-like, 204, 304, length 0)
        return {};
    }

    void complete() noexcept {
        phase_ = Phase::done;
        result_.complete = true;
        const http::Response<>& resp = parser_.message();
        bool opt_close = false;
        bool opt_keep_alive = false;
        for (const http::Header& h : resp.headers.all("connection"))
            (void)http::detail::for_each_element(h.value, [&](std::string_view e, std::size_t) {
                opt_close = opt_close || http::detail::iequals(e, "close");
                opt_keep_alive = opt_keep_alive || http::detail::iequals(e, "keep-alive");
                return Result<void>{};
            });
        result_.keep_alive = opt_.keep_alive && result_.framing != http::BodyKind::until_close &&
                             !opt_close && (result_.version >= http::http11 || opt_keep_alive);
    }
};

} // namespace strata::app
