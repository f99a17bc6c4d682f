// Head parsing: RFC 9110/9112 examples and real captured traffic, parsed
// whole, split in two at every byte, and byte by byte; every malformation
// and limit mapped to its own (field, code, offset).
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/http/body.hpp>
#include <strata/wire/http/parser.hpp>

using namespace strata;
using namespace strata::http;

namespace {

Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const Byte*>(s.data()), s.size()}; }

// A printable summary of a parsed head, so that different ways of feeding
// the same bytes can be compared in one CHECK.
template <std::size_t N>
std::string describe(const Request<N>& r) {
    std::string s = std::string(r.method_text) + "|" + std::string(r.target) + "|" +
                    std::string(r.version_text) + "|" + std::to_string(r.head_len) + "\n";
    for (const auto& h : r.headers)
        s += std::string(h.name) + "=[" + std::string(h.value) + "]\n";
    return s;
}
template <std::size_t N>
std::string describe(const Response<N>& r) {
    std::string s = std::string(r.version_text) + "|" + std::to_string(code(r.status)) + "|" +
                    std::string(r.reason) + "|" + std::to_string(r.head_len) + "\n";
    for (const auto& h : r.headers)
        s += std::string(h.name) + "=[" + std::string(h.value) + "]\n";
    return s;
}

template <class Parser>
std::string outcome(const Parser& p, const Result<Progress>& r) {
    if (!r) return "error " + to_string(r.error());
    if (!r->complete) return "incomplete";
    return describe(p.message());
}

template <class Parser>
std::string parse_whole(std::string_view msg, ParseOptions opt = {}) {
    Parser p{opt};
    auto r = p.feed(bytes_of(msg));
    return outcome(p, r);
}

// Feeds `msg` as TCP might deliver it: the pieces end at `cuts`. The buffer
// is a vector that is reallocated on every append, so the parser's views
// must follow the bytes when they move.
template <class Parser>
std::string parse_pieces(std::string_view msg, const std::vector<std::size_t>& cuts,
                         ParseOptions opt = {}) {
    Parser p{opt};
    std::vector<Byte> buf;
    std::size_t from = 0;
    Result<Progress> r = Progress{};
    auto push = [&](std::size_t to) {
        std::vector<Byte> grown(buf.begin(), buf.end());
        grown.insert(grown.end(), msg.begin() + static_cast<std::ptrdiff_t>(from),
                     msg.begin() + static_cast<std::ptrdiff_t>(to));
        buf.swap(grown); // new storage: the old address is gone
        from = to;
        r = p.feed(Bytes{buf.data(), buf.size()});
    };
    for (std::size_t c : cuts) {
        push(c);
        if (!r || r->complete) break;
    }
    if (r && !r->complete && from < msg.size()) push(msg.size());
    return outcome(p, r);
}

template <class Parser>
void check_every_split(std::string_view msg, ParseOptions opt = {}) {
    const std::string whole = parse_whole<Parser>(msg, opt);
    for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
        INFO("split at " << cut);
        CHECK(parse_pieces<Parser>(msg, {cut}, opt) == whole);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i <= msg.size(); ++i)
        every.push_back(i);
    CHECK(parse_pieces<Parser>(msg, every, opt) == whole);
}

// --- samples --------------------------------------------------------------

// RFC 9110 §3.9 "Example Message Exchange".
constexpr std::string_view rfc9110_request = "GET /hello.txt HTTP/1.1\r\n"
                                             "User-Agent: curl/7.64.1\r\n"
                                             "Host: www.example.com\r\n"
                                             "Accept-Language: en, mi\r\n"
                                             "\r\n";
constexpr std::string_view rfc9110_response =
    "HTTP/1.1 200 OK\r\n"
    "Date: Mon, 27 Jul 2009 12:28:53 GMT\r\n"
    "Server: Apache\r\n"
    "Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\n"
    "ETag: \"34aa387-d-1568eb00\"\r\n"
    "Accept-Ranges: bytes\r\n"
    "Content-Length: 51\r\n"
    "Vary: Accept-Encoding\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Hello World! My content includes a trailing CRLF.\r\n";

// Captured on this machine: `python3 -m http.server 18080 --bind 127.0.0.1`
// serving hello.txt ("hello strata\n"), `curl -v http://127.0.0.1:18080/hello.txt`,
// `curl -I ...` and `curl -X POST -d 'a=1&b=2' ...`, recorded with
// `tcpdump -i lo -w cap.pcap 'tcp port 18080'`; these are the TCP payloads
// byte for byte.
constexpr std::string_view curl_get = "GET /hello.txt HTTP/1.1\r\n"
                                      "Host: 127.0.0.1:18080\r\n"
                                      "User-Agent: curl/7.88.1\r\n"
                                      "Accept: */*\r\n"
                                      "\r\n";
constexpr std::string_view python_ok = "HTTP/1.0 200 OK\r\n"
                                       "Server: SimpleHTTP/0.6 Python/3.11.7\r\n"
                                       "Date: Sun, 22 Nov 2026 22:13:21 GMT\r\n"
                                       "Content-type: text/plain\r\n"
                                       "Content-Length: 13\r\n"
                                       "Last-Modified: Sun, 22 Nov 2026 22:13:19 GMT\r\n"
                                       "\r\n";
constexpr std::string_view curl_post = "POST / HTTP/1.1\r\n"
                                       "Host: 127.0.0.1:18080\r\n"
                                       "User-Agent: curl/7.88.1\r\n"
                                       "Accept: */*\r\n"
                                       "Content-Length: 7\r\n"
                                       "Content-Type: application/x-www-form-urlencoded\r\n"
                                       "\r\n"
                                       "a=1&b=2";
constexpr std::string_view python_501 = "HTTP/1.0 501 Unsupported method ('POST')\r\n"
                                        "Server: SimpleHTTP/0.6 Python/3.11.7\r\n"
                                        "Date: Sun, 22 Nov 2026 22:13:21 GMT\r\n"
                                        "Connection: close\r\n"
                                        "Content-Type: text/html;charset=utf-8\r\n"
                                        "Content-Length: 357\r\n"
                                        "\r\n";

} // namespace

TEST_CASE("RFC 9110 §3.9 request: fields as views, trimmed, case-insensitive lookup", "[http]") {
    RequestParser<> p;
    auto r = p.feed(bytes_of(rfc9110_request));
    REQUIRE(r);
    REQUIRE(r->complete);
    CHECK(r->consumed == rfc9110_request.size());
    const auto& m = p.message();
    CHECK(m.method == Method::get);
    CHECK(m.method_text == "GET");
    CHECK(m.target == "/hello.txt");
    CHECK(m.version == http11);
    CHECK(m.version_text == "HTTP/1.1");
    REQUIRE(m.headers.size() == 3);
    CHECK(m.headers[0].name == "User-Agent");
    CHECK(m.headers[0].value == "curl/7.64.1");
    CHECK(m.headers.value("HOST") == "www.example.com");
    CHECK(m.headers.value("accept-language") == "en, mi");
    CHECK_FALSE(m.headers.value("cookie").has_value());
    // Zero copy: the views point into the buffer we passed.
    CHECK(m.target.data() == rfc9110_request.data() + 4);
    CHECK(m.headers[2].value.data() == rfc9110_request.data() + rfc9110_request.find("en, mi"));
    CHECK(request_framing(m)->kind == BodyKind::none);
}

TEST_CASE("RFC 9110 §3.9 response: status, reason, Content-Length, body offset", "[http]") {
    ResponseParser<> p;
    auto r = p.feed(bytes_of(rfc9110_response));
    REQUIRE(r);
    REQUIRE(r->complete);
    const auto& m = p.message();
    CHECK(m.status == Status::ok);
    CHECK(m.status_class() == StatusClass::success);
    CHECK(m.reason == "OK");
    CHECK(m.headers.size() == 8);
    CHECK(m.headers.value("etag") == "\"34aa387-d-1568eb00\"");
    auto f = response_framing(m, Method::get);
    REQUIRE(f);
    CHECK(*f == Framing{BodyKind::length, 51});
    CHECK(rfc9110_response.substr(r->consumed) ==
          "Hello World! My content includes a trailing CRLF.\r\n");
    // The same response to HEAD has no body (RFC 9112 §6.3 item 1).
    CHECK(response_framing(m, Method::head)->kind == BodyKind::none);
}

TEST_CASE("curl and python http.server traffic captured on lo", "[http]") {
    RequestParser<> rq;
    REQUIRE(rq.feed(bytes_of(curl_get))->complete);
    CHECK(rq.message().headers.value("host") == "127.0.0.1:18080");
    CHECK(rq.message().headers.value("accept") == "*/*");

    ResponseParser<> rs;
    REQUIRE(rs.feed(bytes_of(python_ok))->complete);
    CHECK(rs.message().version == http10);
    CHECK(rs.message().headers.value("content-type") == "text/plain"); // sent as "Content-type"
    CHECK(*response_framing(rs.message(), Method::get) == Framing{BodyKind::length, 13});

    RequestParser<> post;
    auto r = post.feed(bytes_of(curl_post));
    REQUIRE(r->complete);
    CHECK(post.message().method == Method::post);
    CHECK(*request_framing(post.message()) == Framing{BodyKind::length, 7});
    CHECK(curl_post.substr(r->consumed) == "a=1&b=2");

    ResponseParser<> e;
    REQUIRE(e.feed(bytes_of(python_501))->complete);
    CHECK(e.message().status == Status::not_implemented);
    CHECK(e.message().status_class() == StatusClass::server_error);
    CHECK(e.message().reason == "Unsupported method ('POST')");
}

TEST_CASE("every split and byte-by-byte delivery give the same head", "[http]") {
    for (auto msg : {rfc9110_request, curl_get, curl_post})
        check_every_split<RequestParser<>>(msg);
    for (auto msg : {rfc9110_response, python_ok, python_501})
        check_every_split<ResponseParser<>>(msg);
    // Malformed messages fail identically however they arrive.
    check_every_split<RequestParser<>>("GET / HTTP/1.1\r\nHost : x\r\n\r\n");
    check_every_split<RequestParser<>>("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n");
    check_every_split<ResponseParser<>>("HTTP/1.1 2x0 OK\r\n\r\n");
    check_every_split<RequestParser<4>>(
        "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n");
}

TEST_CASE("request-target forms of RFC 9112 §3.2 and extension methods", "[http]") {
    struct Case {
        std::string_view text;
        Method method;
        std::string_view target;
    };
    for (auto c : {
             Case{"GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n", Method::get,
                  "/where?q=now"}, // §3.2.1
             Case{"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\n\r\n",
                  Method::get, "http://www.example.org/pub/WWW/TheProject.html"}, // §3.2.2
             Case{"CONNECT www.example.com:80 HTTP/1.1\r\n\r\n", Method::connect,
                  "www.example.com:80"},                               // §3.2.3
             Case{"OPTIONS * HTTP/1.1\r\n\r\n", Method::options, "*"}, // §3.2.4
             Case{"HEAD / HTTP/1.0\r\n\r\n", Method::head, "/"},
             Case{"PUT /x HTTP/1.1\r\n\r\n", Method::put, "/x"},
             Case{"DELETE /x HTTP/1.1\r\n\r\n", Method::delete_, "/x"},
             Case{"TRACE /x HTTP/1.1\r\n\r\n", Method::trace, "/x"},
             Case{"PATCH /x HTTP/1.1\r\n\r\n", Method::patch, "/x"},
             Case{"PURGE /x HTTP/1.1\r\n\r\n", Method::extension, "/x"},
             Case{"get /x HTTP/1.1\r\n\r\n", Method::extension, "/x"}, // methods are case-sensitive
         }) {
        INFO(c.text);
        RequestParser<> p;
        auto r = p.feed(bytes_of(c.text));
        REQUIRE(r);
        REQUIRE(r->complete);
        CHECK(p.message().method == c.method);
        CHECK(p.message().target == c.target);
        CHECK(p.message().method_name() == c.text.substr(0, c.text.find(' ')));
    }
}

TEST_CASE("repeated fields are kept in order and ranged over", "[http]") {
    constexpr std::string_view msg = "HTTP/1.1 200 OK\r\n"
                                     "Set-Cookie: a=1\r\n"
                                     "Vary: Accept\r\n"
                                     "set-cookie: b=2\r\n"
                                     "SET-COOKIE:c=3   \r\n"
                                     "Empty:\r\n"
                                     "Spaces: \t x y \t \r\n"
                                     "\r\n";
    ResponseParser<> p;
    REQUIRE(p.feed(bytes_of(msg))->complete);
    const auto& h = p.message().headers;
    CHECK(h.count("Set-Cookie") == 3);
    std::vector<std::string_view> values;
    for (const auto& f : h.all("set-cookie"))
        values.push_back(f.value);
    CHECK(values == std::vector<std::string_view>{"a=1", "b=2", "c=3"});
    CHECK(h.value("empty") == "");
    CHECK(h.value("spaces") == "x y"); // OWS trimmed at both ends, kept inside (RFC 9112 §5)
    CHECK(h.find("vary") == &h[1]);
    CHECK(h.all("missing").begin() == h.all("missing").end());
}

TEST_CASE("leading empty lines before a request-line are skipped (RFC 9112 §2.2)", "[http]") {
    RequestParser<> p;
    auto r = p.feed(bytes_of("\r\n\r\nGET / HTTP/1.1\r\n\r\n"));
    REQUIRE(r);
    CHECK(r->complete);
    CHECK(p.message().target == "/");
}

TEST_CASE("status-line variants", "[http]") {
    ResponseParser<> p;
    REQUIRE(p.feed(bytes_of("HTTP/1.1 200\r\n\r\n"))->complete); // no SP, empty reason
    CHECK(p.message().reason.empty());
    p.reset();
    REQUIRE(p.feed(bytes_of("HTTP/1.1 404 \r\n\r\n"))->complete);
    CHECK(p.message().status == Status::not_found);
    CHECK(p.message().reason.empty());
    p.reset();
    REQUIRE(p.feed(bytes_of("HTTP/1.1 599 Whatever it says\r\n\r\n"))->complete);
    CHECK(status_class(p.message().status) == StatusClass::server_error);
    CHECK(p.message().reason == "Whatever it says");
    p.reset();
    REQUIRE(p.feed(bytes_of("HTTP/1.1 100 Continue\r\n\r\n"))->complete);
    CHECK(p.message().status_class() == StatusClass::informational);
    CHECK(response_framing(p.message(), Method::post)->kind == BodyKind::none);
}

TEST_CASE("bare LF: rejected by default, accepted when asked", "[http]") {
    constexpr std::string_view msg = "GET / HTTP/1.1\nHost: a\n\n";
    RequestParser<> strict;
    auto r = strict.feed(bytes_of(msg));
    REQUIRE_FALSE(r);
    CHECK(r.error() == Error{"http", "line_ending", 14, Errc::bad_syntax});
    ParseOptions lenient;
    lenient.accept_bare_lf = true;
    RequestParser<> p{lenient};
    auto ok = p.feed(bytes_of(msg));
    REQUIRE(ok);
    REQUIRE(ok->complete);
    CHECK(ok->consumed == msg.size());
    CHECK(p.message().headers.value("host") == "a");
    check_every_split<RequestParser<>>(msg, lenient);
}

TEST_CASE("each malformation has its own field, code and offset", "[http]") {
    struct Bad {
        std::string_view text;
        std::string_view field;
        Errc code;
        std::size_t offset;
    };
    for (auto b : {
             Bad{"G@T / HTTP/1.1\r\n\r\n", "method", Errc::bad_syntax, 1},
             Bad{" GET / HTTP/1.1\r\n\r\n", "method", Errc::bad_syntax, 0},
             Bad{"GET\r\n\r\n", "request_line", Errc::bad_syntax, 3},
             Bad{"GET /\r\n\r\n", "request_line", Errc::bad_syntax, 5},
             Bad{"GET  / HTTP/1.1\r\n\r\n", "target", Errc::bad_syntax, 4},
             Bad{"GET /a\"b HTTP/1.1\r\n\r\n", "target", Errc::bad_syntax, 6},
             Bad{"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", "target", Errc::bad_syntax, 5},
             Bad{"GET / HTTX/1.1\r\n\r\n", "version", Errc::bad_syntax, 6},
             Bad{"GET / HTTP/1.1 \r\n\r\n", "version", Errc::bad_syntax, 6},
             Bad{"GET / HTTP/1.x\r\n\r\n", "version", Errc::bad_syntax, 6},
             Bad{"GET / HTTP/2.0\r\n\r\n", "version", Errc::bad_version, 11},
             Bad{"GET / HTTP/1.1\r\nHost\r\n\r\n", "header", Errc::bad_syntax, 16},
             Bad{"GET / HTTP/1.1\r\nHost a\r\n\r\n", "header", Errc::bad_syntax, 16},
             Bad{"GET / HTTP/1.1\r\nHost : a\r\n\r\n", "header_name", Errc::bad_syntax, 20},
             Bad{"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", "header_name", Errc::bad_syntax, 18},
             Bad{"GET / HTTP/1.1\r\n: a\r\n\r\n", "header_name", Errc::bad_syntax, 16},
             Bad{"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", "obs_fold", Errc::unsupported, 22},
             Bad{"GET / HTTP/1.1\r\n\tA: b\r\n\r\n", "obs_fold", Errc::unsupported, 16},
             Bad{"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", "line_ending", Errc::bad_syntax, 20},
             Bad{"GET / HTTP/1.1\r\nA: b\nc\r\n\r\n", "line_ending", Errc::bad_syntax, 20},
             Bad{std::string_view{"GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 27}, "line", Errc::bad_value,
                 20},
             Bad{"GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", "line", Errc::bad_value, 20},
             Bad{"GET /\x01 HTTP/1.1\r\n\r\n", "line", Errc::bad_value, 5},
         }) {
        INFO(b.text);
        RequestParser<> p;
        auto r = p.feed(bytes_of(b.text));
        REQUIRE_FALSE(r);
        CHECK(r.error().layer == "http");
        CHECK(r.error().field == b.field);
        CHECK(r.error().code == b.code);
        CHECK(r.error().offset == b.offset);
        // The error is final.
        auto again = p.feed(bytes_of(b.text));
        REQUIRE_FALSE(again);
        CHECK(again.error() == r.error());
    }
    for (auto b : {
             Bad{"http/1.1 200 OK\r\n\r\n", "version", Errc::bad_syntax, 0},
             Bad{"HTTP/1.1\r\n\r\n", "status_line", Errc::bad_syntax, 8},
             Bad{"HTTP/1.1  200 OK\r\n\r\n", "status_code", Errc::bad_syntax, 9},
             Bad{"HTTP/1.1 20 OK\r\n\r\n", "status_code", Errc::bad_syntax, 11},
             Bad{"HTTP/1.1 200OK\r\n\r\n", "status_code", Errc::bad_syntax, 12},
             Bad{"HTTP/1.1 099 Low\r\n\r\n", "status_code", Errc::bad_value, 9},
             Bad{"HTTP/3.0 200 OK\r\n\r\n", "version", Errc::bad_version, 5},
             Bad{"\r\nHTTP/1.1 200 OK\r\n\r\n", "status_line", Errc::bad_syntax, 0},
             Bad{"HTTP/1.1 200 OK\r\nServer\r\n\r\n", "header", Errc::bad_syntax, 17},
         }) {
        INFO(b.text);
        ResponseParser<> p;
        auto r = p.feed(bytes_of(b.text));
        REQUIRE_FALSE(r);
        CHECK(r.error().field == b.field);
        CHECK(r.error().code == b.code);
        CHECK(r.error().offset == b.offset);
    }
}

TEST_CASE("limits: header count, line length, head size", "[http]") {
    SECTION("more fields than the capacity") {
        RequestParser<2> p;
        auto r = p.feed(bytes_of("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n"));
        REQUIRE_FALSE(r);
        CHECK(r.error() == Error{"http", "headers", 28, Errc::limit_exceeded, 3, 2});
        RequestParser<2> fits;
        CHECK(fits.feed(bytes_of("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\n\r\n"))->complete);
    }
    SECTION("a request-line longer than max_line, seen complete or still arriving") {
        ParseOptions opt;
        opt.max_line = 16;
        RequestParser<> p{opt};
        // "GET /0123456 HTTP/1.1" is 21 bytes.
        auto r = p.feed(bytes_of("GET /0123456 HTTP/1.1\r\n\r\n"));
        REQUIRE_FALSE(r);
        CHECK(r.error() == Error{"http", "request_line", 0, Errc::limit_exceeded, 21, 16});
        // Arriving without its end: the limit fires as soon as 17 bytes are in.
        RequestParser<> q{opt};
        CHECK_FALSE(q.feed(bytes_of("GET /0123456789a"))->complete); // 16 bytes: still fine
        auto r2 = q.feed(bytes_of("GET /0123456789ab"));
        REQUIRE_FALSE(r2);
        CHECK(r2.error() == Error{"http", "request_line", 0, Errc::limit_exceeded, 17, 16});
        RequestParser<> exact{opt};
        CHECK(exact.feed(bytes_of("GET /01 HTTP/1.1\r\n\r\n"))->complete); // 16 bytes exactly
    }
    SECTION("a field line longer than max_line") {
        ParseOptions opt;
        opt.max_line = 16;
        RequestParser<> p{opt};
        auto r = p.feed(bytes_of("GET / HTTP/1.1\r\nX-Long: 1234567890\r\n\r\n")); // 18 bytes
        REQUIRE_FALSE(r);
        CHECK(r.error() == Error{"http", "header", 16, Errc::limit_exceeded, 18, 16});
        ResponseParser<> s{opt};
        auto r2 = s.feed(bytes_of("HTTP/1.1 200 OK, fine\r\n"));
        REQUIRE_FALSE(r2);
        CHECK(r2.error() == Error{"http", "status_line", 0, Errc::limit_exceeded, 21, 16});
    }
    SECTION("a head bigger than max_head, complete or not") {
        ParseOptions opt;
        opt.max_head = 32;
        // 16 (request line) + 8 + 8 = 32 without the final CRLF: 34 with it.
        constexpr std::string_view msg = "GET / HTTP/1.1\r\na: 123\r\nb: 123\r\n\r\n";
        RequestParser<> p{opt};
        auto r = p.feed(bytes_of(msg));
        REQUIRE_FALSE(r);
        CHECK(r.error() == Error{"http", "head", 32, Errc::limit_exceeded, 34, 32});
        RequestParser<> q{opt};
        auto r2 = q.feed(bytes_of(msg.substr(0, 33)));
        REQUIRE_FALSE(r2);
        CHECK(r2.error() == Error{"http", "head", 32, Errc::limit_exceeded, 33, 32});
        opt.max_head = 34;
        RequestParser<> fits{opt};
        CHECK(fits.feed(bytes_of(msg))->complete);
    }
}

TEST_CASE("pipelined requests: the next message starts at head_len", "[http]") {
    const std::string two = std::string(curl_get) + std::string(curl_post);
    RequestParser<> p;
    auto r = p.feed(bytes_of(two));
    REQUIRE(r->complete);
    CHECK(r->consumed == curl_get.size());
    // Feeding again (more bytes arrived) keeps the same answer.
    CHECK(*p.feed(bytes_of(two)) == Progress{true, curl_get.size()});
    p.reset();
    auto r2 = p.feed(bytes_of(std::string_view{two}.substr(r->consumed)));
    REQUIRE(r2->complete);
    CHECK(p.message().method == Method::post);
}

TEST_CASE("views follow the buffer when the caller's storage moves", "[http]") {
    RequestParser<> p;
    std::string first{curl_get.substr(0, 30)}; // ends inside the Host line
    REQUIRE_FALSE(p.feed(bytes_of(first))->complete);
    CHECK(p.message().target.data() == first.data() + 4);
    std::string moved{curl_get}; // the same bytes, somewhere else, now complete
    first.clear();
    first.shrink_to_fit();
    auto r = p.feed(bytes_of(moved));
    REQUIRE(r);
    REQUIRE(r->complete);
    CHECK(p.message().method_text.data() == moved.data());
    CHECK(p.message().target.data() == moved.data() + 4);
    CHECK(p.message().version_text.data() == moved.data() + 15);
    CHECK(p.message().headers[0].value.data() == moved.data() + moved.find("127.0.0.1"));
    CHECK(p.message().headers.value("user-agent") == "curl/7.88.1");
}

TEST_CASE("Headers on its own: capacity, lookup, clear", "[http]") {
    Headers<2> h;
    CHECK(h.empty());
    REQUIRE(h.add("Content-Length", "5"));
    REQUIRE(h.add("X", "1"));
    auto full = h.add("Y", "2");
    REQUIRE_FALSE(full);
    CHECK(full.error() == Error{"http", "headers", 0, Errc::limit_exceeded, 3, 2});
    CHECK(h.size() == 2);
    CHECK(h.find("CONTENT-LENGTH") == &h[0]);
    CHECK(h.find("content-lengt") == nullptr);
    CHECK(h.contains("x"));
    h.clear();
    CHECK(h.empty());
    CHECK_FALSE(h.contains("x"));
}
