// One HTTP/1.1 origin-server connection serving a FileTree (DESIGN.md §1
// step 12), as a state machine that knows nothing of sockets: the caller
// (a host's socket coroutine, a test, a TAP tool) hands in what it received
// and writes out what the session gives it, in order, then closes when told.
//
//   received bytes ─▶ input_space()/commit() or feed()
//                     RequestParser (wire/http/parser.hpp), request_framing
//                     and BodyDecoder (body.hpp) to skip request bodies
//   responses      ◀─ output(): {head, body} — the head formatted by
//                     wire/http/serialize.hpp into the session's own bounded
//                     buffer, the body a span of the FileTree (never copied);
//                     advance(n) after writing n of those bytes
//   close          ◀─ should_close()
//
// Behaviour, with the RFC text it follows:
//   * GET and HEAD (RFC 9110 §9.3.1, §9.3.2): HEAD gets the same header
//     fields as GET, Content-Length included (§8.6), and no content.
//   * 404 for a missing file; 405 with Allow: GET, HEAD (§15.5.6: MUST send
//     Allow) for the other standard methods; 501 for methods the server does
//     not recognise (§9.1 SHOULD); 400 for a malformed request, a bad target,
//     a missing or repeated Host in HTTP/1.1 (RFC 9112 §3.2 MUST) or unsafe
//     body framing (RFC 9112 §6.3); 414 for a request-line over the limit
//     (RFC 9112 §3 MUST) and 431 for a header section over it (RFC 6585 §5);
//     505 for a major version other than 1 (RFC 9110 §15.6.6). After any of
//     400/414/431/505 the connection closes: the stream position of the next
//     request is no longer known.
//   * Persistence (RFC 9112 §9.3): HTTP/1.1 stays open unless a Connection
//     field lists "close"; HTTP/1.0 closes unless it lists "keep-alive"
//     (then the response says "Connection: keep-alive", RFC 9112 App. C.2.2).
//     A response after which the server closes says "Connection: close"
//     (§9.6). Requests may be pipelined (§9.3.2): up to max_pipeline
//     responses wait in order; beyond that the session stops taking input
//     (input_space() is empty) until output is written — TCP's window then
//     slows the client.
//   * Every response is HTTP/1.1 (RFC 9110 §6.2: the highest minor version
//     the server conforms to) with Content-Length; no chunking is needed for
//     files of known size.
//   * No Date field: nodes never read a clock, and RFC 9110 §6.6.1 says "an
//     origin server without a clock MUST NOT generate a Date header field".
//   * Server: the configured product token (RFC 9110 §10.2.4), or none.
// Nothing here allocates after construction.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include <strata/app/http/file_tree.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/result.hpp>
#include <strata/wire/http/body.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>
#include <strata/wire/http/status.hpp>

namespace strata::app {

struct ServerConfig {
    /// The Server field's value; empty sends none. A value that is not
    /// field-value text, or longer than 256 bytes, is dropped.
    std::string_view server = "strata";
    /// Head limits (RFC 9112 §2.3 leaves them to the server; 8 KiB is
    /// nginx's large_client_header_buffers size).
    http::ParseOptions parse{8 * 1024, 8 * 1024, false};
    /// Bytes of received input held at once (at least parse.max_head + 1, so
    /// the parser always sees a head over the limit).
    std::size_t input_buffer = 16 * 1024;
    /// Responses waiting to be written before input stops (pipelining).
    std::size_t max_pipeline = 16;
};

struct ServerCounters {
    std::uint64_t bytes_in = 0;           ///< received bytes the session took
    std::uint64_t requests = 0;           ///< request heads parsed
    std::uint64_t responses = 0;          ///< responses completely written
    std::uint64_t head_bytes_out = 0;     ///< response head bytes written
    std::uint64_t body_bytes_out = 0;     ///< response content bytes written
    std::uint64_t ok = 0;                 ///< 200 queued
    std::uint64_t not_found = 0;          ///< 404
    std::uint64_t not_allowed = 0;        ///< 405
    std::uint64_t not_implemented = 0;    ///< 501
    std::uint64_t bad_request = 0;        ///< 400, 414, 431
    std::uint64_t bad_version = 0;        ///< 505
    std::uint64_t request_body_bytes = 0; ///< request content read and ignored
    std::uint64_t discarded_bytes = 0;    ///< input after the session decided to close
};

class ServerSession {
    static constexpr std::size_t max_server_len = 256;
    static constexpr std::size_t head_capacity = 512 + max_server_len;

    struct Pending {
        http::Status status = http::Status::ok;
        std::string_view content_type;
        Bytes body;
        bool head_only = false;  // HEAD: header fields only
        bool close = false;      // close after this response
        bool keep_alive = false; // say "Connection: keep-alive" (HTTP/1.0 client)
    };

    enum class Phase : std::uint8_t { head, body, closing };

    const FileTree* files_;
    ServerConfig cfg_;
    http::RequestParser<> parser_;
    http::BodyDecoder body_{http::Framing{}};
    std::vector<Byte> in_;
    std::size_t start_ = 0; // first unparsed byte of in_
    std::size_t end_ = 0;   // one past the last received byte
    std::vector<Pending> queue_;
    std::size_t q_first_ = 0;
    std::size_t q_count_ = 0;
    Phase phase_ = Phase::head;
    bool peer_eof_ = false;
    bool closed_ = false; // a closing response went out completely
    // The front response, once formatted.
    std::array<Byte, head_capacity> head_{};
    std::size_t head_len_ = 0;
    bool formatted_ = false;
    std::size_t sent_ = 0; // bytes of the front response already written
    ServerCounters counters_;

public:
    /// `files` must outlive the session and stay unchanged while it runs.
    explicit ServerSession(const FileTree& files, ServerConfig cfg = {})
        : files_(&files), cfg_(cfg), parser_(cfg.parse) {
        if (cfg_.input_buffer <= cfg_.parse.max_head) cfg_.input_buffer = cfg_.parse.max_head + 1;
        if (cfg_.max_pipeline == 0) cfg_.max_pipeline = 1;
        if (!valid_server(cfg_.server)) cfg_.server = {};
        in_.resize(cfg_.input_buffer);
        queue_.resize(cfg_.max_pipeline);
    }

    // A copy would share nothing but serve half-parsed state twice; a move
    // keeps every buffer where it is (they are on the heap).
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;
    ServerSession(ServerSession&&) noexcept = default;
    ServerSession& operator=(ServerSession&&) noexcept = default;

    /// Where the next received bytes may be written (recv straight into it);
    /// empty while the pipeline is full and the buffer holds unparsed input.
    [[nodiscard]] MutBytes input_space() noexcept {
        if (phase_ == Phase::closing) return MutBytes{in_}; // read and dropped
        if (start_ == end_) start_ = end_ = 0;
        if (end_ == in_.size() && start_ != 0) {
            // Move the unparsed bytes to the front; the parser notices the new
            // address of the head it is assembling and moves its views.
            std::memmove(in_.data(), in_.data() + start_, end_ - start_);
            end_ -= start_;
            start_ = 0;
        }
        return MutBytes{in_}.subspan(end_);
    }

    /// `n` bytes were written at the start of input_space().
    void commit(std::size_t n) noexcept {
        counters_.bytes_in += n;
        if (phase_ == Phase::closing) {
            counters_.discarded_bytes += n;
            return;
        }
        const std::size_t room = in_.size() - end_;
        end_ += n < room ? n : room;
        process();
    }

    /// Copies what fits of `received` (input_space + commit); returns how many
    /// bytes were taken. Fewer than received.size(): feed the rest after
    /// writing some output.
    std::size_t feed(Bytes received) noexcept {
        std::size_t taken = 0;
        while (taken < received.size()) {
            const MutBytes space = input_space();
            if (space.empty()) break;
            const std::size_t k =
                space.size() < received.size() - taken ? space.size() : received.size() - taken;
            std::memcpy(space.data(), received.data() + taken, k);
            commit(k);
            taken += k;
        }
        return taken;
    }

    /// The peer closed its sending side (EOF). Queued responses still go out;
    /// a partial request is dropped; then should_close().
    void peer_closed() noexcept {
        peer_eof_ = true;
        process();
    }

    /// What to write next: the unsent rest of the front response's head, then
    /// of its body. Both empty when there is nothing to send.
    struct Output {
        Bytes head;
        Bytes body;
        [[nodiscard]] bool empty() const noexcept { return head.empty() && body.empty(); }
        [[nodiscard]] std::size_t size() const noexcept { return head.size() + body.size(); }
    };
    [[nodiscard]] Output output() noexcept {
        if (q_count_ == 0) return {};
        const Pending& p = queue_[q_first_];
        if (!formatted_) format(p);
        const Bytes head{head_.data(), head_len_};
        const Bytes body = p.head_only ? Bytes{} : p.body;
        if (sent_ < head_len_) return {head.subspan(sent_), body};
        return {{}, body.subspan(sent_ - head_len_)};
    }

    /// `n` bytes of output() were written (head first, then body).
    void advance(std::size_t n) noexcept {
        while (n != 0 && q_count_ != 0) {
            const Output o = output();
            const std::size_t h = n < o.head.size() ? n : o.head.size();
            const std::size_t b = n - h < o.body.size() ? n - h : o.body.size();
            counters_.head_bytes_out += h;
            counters_.body_bytes_out += b;
            sent_ += h + b;
            n -= h + b;
            if (h + b == o.size()) pop();
            if (h + b == 0) break;
        }
    }

    /// True once the connection should be closed: a response that closes it
    /// was completely written, or the peer closed (or the session gave up on
    /// the input) and every queued response was written.
    [[nodiscard]] bool should_close() const noexcept {
        return closed_ || (q_count_ == 0 && phase_ == Phase::closing);
    }

    /// Responses formatted or waiting.
    [[nodiscard]] std::size_t pending() const noexcept { return q_count_; }
    [[nodiscard]] const ServerCounters& counters() const noexcept { return counters_; }

private:
    static constexpr bool valid_server(std::string_view s) noexcept {
        if (s.size() > max_server_len) return false;
        for (char c : s)
            if (http::detail::is_line_stop(static_cast<unsigned char>(c))) return false;
        return s.empty() || (!http::detail::is_ows(s.front()) && !http::detail::is_ows(s.back()));
    }

    /// The short text/plain content of an error response.
    static constexpr std::string_view error_text(http::Status s) noexcept {
        switch (static_cast<unsigned>(s)) {
        case 400:
            return "Bad Request\n";
        case 404:
            return "Not Found\n";
        case 405:
            return "Method Not Allowed\n";
        case 414:
            return "URI Too Long\n";
        case 431:
            return "Request Header Fields Too Large\n";
        case 501:
            return "Not Implemented\n";
        case 505:
            return "HTTP Version Not Supported\n";
        default:
            return "\n";
        }
    }

    void pop() noexcept {
        if (queue_[q_first_].close) closed_ = true;
        q_first_ = (q_first_ + 1) % queue_.size();
        --q_count_;
        formatted_ = false;
        sent_ = 0;
        ++counters_.responses;
        if (!closed_) process(); // room in the queue: parse what waited
    }

    void push(const Pending& p) noexcept {
        queue_[(q_first_ + q_count_) % queue_.size()] = p;
        ++q_count_;
        if (p.close) phase_ = Phase::closing;
    }

    void push_error(http::Status s, bool close, bool head_only = false, bool keep_alive = false) {
        const std::string_view text = error_text(s);
        switch (static_cast<unsigned>(s)) {
        case 404:
            ++counters_.not_found;
            break;
        case 405:
            ++counters_.not_allowed;
            break;
        case 501:
            ++counters_.not_implemented;
            break;
        case 505:
            ++counters_.bad_version;
            break;
        default:
            ++counters_.bad_request;
            break;
        }
        push({s, "text/plain", Bytes{reinterpret_cast<const Byte*>(text.data()), text.size()},
              head_only, close, keep_alive && !close});
    }

    /// The status for a request the parser refused.
    static http::Status status_for(const Error& e) noexcept {
        if (e.is(http_field::version) && e.code == Errc::bad_version)
            return http::Status::http_version_not_supported;
        if (e.code == Errc::limit_exceeded) {
            if (e.is(http_field::request_line)) return http::Status::uri_too_long;
            return static_cast<http::Status>(431);
        }
        return http::Status::bad_request;
    }

    void process() noexcept {
        bool starved = false; // stopped for want of input, not for a full queue
        while (phase_ != Phase::closing) {
            if (q_count_ == queue_.size()) break;
            starved = true;
            const Bytes avail{in_.data() + start_, end_ - start_};
            if (phase_ == Phase::body) {
                auto r = body_.feed(avail, [](Bytes) {});
                if (!r) { // the stream cannot be followed any more
                    phase_ = Phase::closing;
                    break;
                }
                start_ += r->consumed;
                counters_.request_body_bytes += r->consumed;
                if (!r->complete) break;
                phase_ = Phase::head;
                starved = false;
                continue;
            }
            if (avail.empty()) break;
            auto r = parser_.feed(avail);
            if (!r) {
                push_error(status_for(r.error()), true);
                break;
            }
            if (!r->complete) break;
            ++counters_.requests;
            const std::size_t head_len = r->consumed;
            handle(parser_.message());
            parser_.reset();
            start_ += head_len;
            starved = false;
        }
        // After EOF nothing more can complete: what is left is a partial request.
        if (peer_eof_ && starved) phase_ = Phase::closing;
    }

    void handle(const http::Request<>& req) noexcept {
        // Connection options (RFC 9112 §9.3, RFC 9110 §7.6.1: a list, any case).
        bool opt_close = false;
        bool opt_keep_alive = false;
        for (const http::Header& h : req.headers.all("connection"))
            (void)http::detail::for_each_element(h.value, [&](std::string_view e, std::size_t) {
                opt_close = opt_close || http::detail::iequals(e, "close");
                opt_keep_alive = opt_keep_alive || http::detail::iequals(e, "keep-alive");
                return Result<void>{};
            });
        const bool v11 = req.version >= http::http11;
        const bool persist = !opt_close && (v11 || opt_keep_alive);
        const bool ka_field = persist && !v11;
        const bool head_only = req.method == http::Method::head;

        // RFC 9112 §3.2: exactly one Host in an HTTP/1.1 request.
        if (v11 && req.headers.count("host") != 1)
            return push_error(http::Status::bad_request, true, head_only);
        auto framing = http::request_framing(req);
        if (!framing) return push_error(http::Status::bad_request, true, head_only);

        if (req.method == http::Method::get || head_only) {
            auto file = files_->lookup(req.target);
            if (file) {
                ++counters_.ok;
                push({http::Status::ok, file->content_type, file->body, head_only, !persist,
                      ka_field});
            } else if (file.error().code == Errc::not_found) {
                push_error(http::Status::not_found, !persist, head_only, ka_field);
            } else if (file.error().code == Errc::limit_exceeded) {
                return push_error(http::Status::uri_too_long, true, head_only);
            } else {
                return push_error(http::Status::bad_request, true, head_only);
            }
        } else if (req.method == http::Method::extension) {
            push_error(http::Status::not_implemented, !persist, false, ka_field);
        } else {
            push_error(http::Status::method_not_allowed, !persist, false, ka_field);
        }
        if (persist && framing->kind != http::BodyKind::none) {
            body_ = http::BodyDecoder{*framing};
            phase_ = Phase::body;
        }
    }

    void format(const Pending& p) noexcept {
        http::Response<6> r;
        r.status = p.status;
        if (code(p.status) == 431) r.reason = "Request Header Fields Too Large"; // RFC 6585 §5
        std::array<char, 24> len_text{};
        const auto len =
            std::to_chars(len_text.data(), len_text.data() + len_text.size(), p.body.size());
        if (!cfg_.server.empty()) (void)r.headers.add("Server", cfg_.server);
        (void)r.headers.add("Content-Type", p.content_type);
        (void)r.headers.add("Content-Length",
                            {len_text.data(), static_cast<std::size_t>(len.ptr - len_text.data())});
        if (p.status == http::Status::method_not_allowed) (void)r.headers.add("Allow", "GET, HEAD");
        if (p.close)
            (void)r.headers.add("Connection", "close");
        else if (p.keep_alive)
            (void)r.headers.add("Connection", "keep-alive");
        // Every value was checked (server name at construction, the rest are
        // ours) and head_ has room for the longest: this cannot fail.
        auto n = http::serialize(r, MutBytes{head_});
        head_len_ = n ? *n : 0;
        formatted_ = true;
    }
};

} // namespace strata::app
