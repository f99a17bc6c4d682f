// HTTP: the head of an HTTP/1.1 message (RFC 9112) at the start of a TCP
// segment, port 80. The view parses the request-line or status-line and the
// header fields of this one segment; the bytes after the head are its
// payload (the start of the body). A head split over several segments needs
// the stream: feed http::RequestParser / ResponseParser as data arrives.
//
// Encoding takes the message as the payload: bytes, or an object with
// write_to(MutBytes) -> Result<std::size_t> (HttpHead below wraps a
// http::Request or http::Response for that).
#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include <strata/core/port.hpp>
#include <strata/layer/bind.hpp>
#include <strata/layer/concepts.hpp>
#include <strata/layer/view_layer.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>

namespace strata {

/// Header fields an HttpView keeps; more is an error ("http", "headers",
/// limit_exceeded), as with the parsers.
inline constexpr std::size_t http_view_max_headers = 32;

template <ByteType B = const Byte>
class HttpView {
public:
    using request_type = http::Request<http_view_max_headers>;
    using response_type = http::Response<http_view_max_headers>;

    // User-provided, so that decode's emplace() (value-initialisation) does
    // not clear the ~1.2 KB view before the member initialisers run.
    HttpView() noexcept {}

    /// Parses the head at the start of `b`: a response when `b` starts with
    /// "HTTP/", a request otherwise. Errors are the parser's (layer "http");
    /// a head that does not end in `b` → ("http", "head", truncated).
    static Result<HttpView> checked(std::span<B> b) noexcept {
        std::optional<HttpView> v;
        if (auto e = parse_into(v, b)) return *e;
        return *v;
    }

    /// checked(), building the view in place (decode() uses it: the parsed
    /// head is about a kilobyte, not worth copying). `out` is a
    /// std::optional<HttpView> or anything with its emplace() and reset().
    template <class Slot>
    static std::optional<Error> parse_into(Slot& out, std::span<B> b) noexcept {
        static constexpr std::string_view status_start = "HTTP/";
        const bool is_response = b.size() >= status_start.size() &&
                                 std::string_view(reinterpret_cast<const char*>(b.data()),
                                                  status_start.size()) == status_start;
        HttpView& v = out.emplace();
        v.bytes_ = b;
        auto progress = is_response ? v.parser_.template emplace<2>().feed(Bytes(b))
                                    : v.parser_.template emplace<1>().feed(Bytes(b));
        if (!progress) {
            out.reset();
            return progress.error();
        }
        if (!progress->complete) {
            out.reset();
            return Error::at(http_field::head, b.size(), Errc::truncated, b.size(), b.size() + 1);
        }
        v.head_len_ = progress->consumed;
        return std::nullopt;
    }

    [[nodiscard]] bool is_request() const noexcept { return parser_.index() == 1; }
    [[nodiscard]] bool is_response() const noexcept { return parser_.index() == 2; }
    /// Precondition: is_request().
    [[nodiscard]] const request_type& request() const noexcept {
        return std::get<1>(parser_).message();
    }
    /// Precondition: is_response().
    [[nodiscard]] const response_type& response() const noexcept {
        return std::get<2>(parser_).message();
    }
    [[nodiscard]] const http::Headers<http_view_max_headers>& headers() const noexcept {
        return is_request() ? request().headers : response().headers;
    }
    [[nodiscard]] std::span<B> bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::size_t head_len() const noexcept { return head_len_; }
    [[nodiscard]] std::span<B> head() const noexcept { return bytes_.first(head_len_); }
    /// The body bytes this segment holds after the head.
    [[nodiscard]] std::span<B> body() const noexcept { return bytes_.subspan(head_len_); }
    /// What follows the head: the layer's payload (= body()).
    [[nodiscard]] std::span<B> payload() const noexcept { return body(); }

private:
    std::span<B> bytes_{};
    std::size_t head_len_ = 0;
    // The parser keeps the parsed head (views into bytes_); monostate first
    // so that the view's construction does not build a parser it replaces.
    std::variant<std::monostate, http::RequestParser<http_view_max_headers>,
                 http::ResponseParser<http_view_max_headers>>
        parser_;
};

/// The head is parsed where the decode node keeps it (parses_in_place): it
/// is large, and moving it would cost more than the parse.
struct HTTP : ViewLayer<HttpView, LayerOptions{.parses_in_place = true}> {
    using kind = layer_kind::application;
    static constexpr std::string_view name = "http";
    static constexpr KeySet selected_by{Port{80}};
    template <class Slot, class B>
    static std::optional<Error> parse_into(Slot& out, std::span<B> b) noexcept {
        return view<B>::parse_into(out, b);
    }
};

/// A request or response head (plus optional body bytes) as an encode()
/// payload.
template <class Message>
struct HttpHead {
    const Message& message;
    Bytes body{};

    [[nodiscard]] Result<std::size_t> write_to(MutBytes out) const noexcept {
        auto n = http::serialize(message, out);
        if (!n) return n.error();
        if (body.size() > out.size() - *n)
            return Error::at(http_field::body, *n, Errc::buffer_too_small, *n + body.size(),
                             out.size());
        return *n + copy_bytes(body, out.data() + *n);
    }
};
template <class Message>
HttpHead(const Message&) -> HttpHead<Message>;
template <class Message>
HttpHead(const Message&, Bytes) -> HttpHead<Message>;

} // namespace strata
