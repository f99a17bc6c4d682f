// FetchSession (app/http), the round trip ServerSession → FetchSession, and
// the no-crash loops over truncated and mutated messages. Expected requests
// and bodies are written out by hand from RFC 9110/9112.
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/app/http/fetch_session.hpp>
#include <strata/app/http/file_tree.hpp>
#include <strata/app/http/server_session.hpp>

using namespace strata;
using app::FetchSession;

namespace {

Bytes as_bytes(std::string_view s) {
    return Bytes{reinterpret_cast<const Byte*>(s.data()), s.size()};
}
std::string as_string(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

/// Feeds `in` in pieces of `step` bytes, collecting the content.
Result<bool> feed_all(FetchSession& f, std::string_view in, std::string& body,
                      std::size_t step = SIZE_MAX) {
    Result<bool> r = false;
    for (std::size_t i = 0; i < in.size(); i += step) {
        r = f.feed(as_bytes(in.substr(i, step)), [&](Bytes b) { body += as_string(b); });
        if (!r) return r;
        if (step > in.size()) break;
    }
    return r;
}

FetchSession make(std::string_view url, app::FetchOptions opt = {}) {
    auto f = FetchSession::make(url, opt);
    REQUIRE(f);
    return std::move(*f);
}

} // namespace

TEST_CASE("FetchSession: the request a URL makes", "[app][http]") {
    // The journey's URL (DESIGN.md §1 step 1), with a query and a fragment.
    auto f = make("http://www.lab.example:8080/dir/file1.htm?x=1#top");
    CHECK(f.host() == "www.lab.example");
    CHECK(f.port() == 8080);
    // origin-form = path "?" query, never the fragment (RFC 9112 §3.2.1,
    // RFC 9110 §7.1); Host carries the non-default port (RFC 9110 §7.2).
    CHECK(as_string(f.request()) == "GET /dir/file1.htm?x=1 HTTP/1.1\r\n"
                                    "Host: www.lab.example:8080\r\n"
                                    "User-Agent: strata\r\n"
                                    "Accept: */*\r\n"
                                    "Connection: close\r\n"
                                    "\r\n");
    // userinfo is never sent (RFC 9110 §4.2.4); port 80 is the default, left out.
    auto g = make("http://user:pass@www.lab.example:80/dir/file1.htm");
    CHECK(g.port() == 80);
    CHECK(as_string(g.request()) == "GET /dir/file1.htm HTTP/1.1\r\n"
                                    "Host: www.lab.example\r\n"
                                    "User-Agent: strata\r\n"
                                    "Accept: */*\r\n"
                                    "Connection: close\r\n"
                                    "\r\n");
    app::FetchOptions opt;
    opt.keep_alive = true;
    opt.user_agent = "curl/7.88.1";
    opt.accept = "";
    auto h = make("http://10.0.0.2", opt);
    CHECK(h.url().ipv4 == Ipv4Address{10, 0, 0, 2});
    CHECK(as_string(h.request()) == "GET / HTTP/1.1\r\nHost: 10.0.0.2\r\n"
                                    "User-Agent: curl/7.88.1\r\nConnection: keep-alive\r\n\r\n");

    CHECK(FetchSession::make("https://h/").error().code == Errc::unsupported);
    CHECK(FetchSession::make("ftp://h/").error().code == Errc::unsupported);
    CHECK(FetchSession::make("http:///x").error().layer == "url"); // no host
}

TEST_CASE("FetchSession: a Content-Length response", "[app][http]") {
    const std::string_view resp = "HTTP/1.1 200 OK\r\n"
                                  "Content-Type: text/html\r\n"
                                  "Content-Length: 11\r\n"
                                  "\r\n"
                                  "hello world";
    for (std::size_t step : {SIZE_MAX, std::size_t{1}, std::size_t{5}}) {
        auto f = make("http://h/");
        std::string body;
        auto r = feed_all(f, resp, body, step);
        REQUIRE(r);
        CHECK(*r);
        CHECK(f.done());
        CHECK(body == "hello world");
        const auto& res = f.result();
        CHECK(res.status == http::Status::ok);
        CHECK(res.reason == "OK");
        CHECK(res.content_type == "text/html");
        CHECK(res.content_length == 11u);
        CHECK(res.framing == http::BodyKind::length);
        CHECK(res.body_bytes == 11);
        CHECK(res.head_bytes == resp.size() - 11);
        CHECK_FALSE(res.keep_alive); // we asked to close
        CHECK(f.finish());
    }
}

TEST_CASE("FetchSession: a chunked response (RFC 9112 §7.1)", "[app][http]") {
    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; the sizes are hex:
    // 4 "Wiki", 6 "pedia " (with an extension to ignore, §7.1.1),
    // E = 14: "in \r\n\r\nchunks." (3 + 4 + 7), then last-chunk and a trailer.
    const std::string_view resp = "HTTP/1.1 200 OK\r\n"
                                  "Transfer-Encoding: chunked\r\n"
                                  "\r\n"
                                  "4\r\nWiki\r\n"
                                  "6;name=value\r\npedia \r\n"
                                  "E\r\nin \r\n\r\nchunks.\r\n"
                                  "0\r\n"
                                  "Expires: never\r\n"
                                  "\r\n";
    for (std::size_t step : {SIZE_MAX, std::size_t{1}, std::size_t{3}}) {
        auto f = make("http://h/");
        std::string body;
        auto r = feed_all(f, resp, body, step);
        REQUIRE(r);
        CHECK(*r);
        CHECK(body == "Wikipedia in \r\n\r\nchunks.");
        CHECK(f.result().framing == http::BodyKind::chunked);
        CHECK(f.result().body_bytes == 24);
        CHECK_FALSE(f.result().content_length);
    }
}

TEST_CASE("FetchSession: a response that ends when the server closes", "[app][http]") {
    // RFC 9112 §6.3 item 8: neither Transfer-Encoding nor Content-Length.
    auto f = make("http://h/");
    std::string body;
    auto r = feed_all(f, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil", body);
    REQUIRE(r);
    CHECK_FALSE(*r); // cannot know it has ended
    r = feed_all(f, " close", body);
    REQUIRE(r);
    CHECK(f.finish());
    CHECK(f.done());
    CHECK(body == "until close");
    CHECK(f.result().framing == http::BodyKind::until_close);
    CHECK(f.result().version == http::http10);
    CHECK_FALSE(f.result().keep_alive);
}

TEST_CASE("FetchSession: truncated responses are errors", "[app][http]") {
    SECTION("inside the content of a Content-Length body") {
        auto f = make("http://h/");
        const std::string_view head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        REQUIRE(f.feed(as_bytes(std::string(head) + "12345")));
        auto e = f.finish();
        REQUIRE_FALSE(e);
        CHECK(e.error().is(http_field::body));
        CHECK(e.error().code == Errc::truncated);
        CHECK(e.error().offset == head.size() + 5); // from the response's first byte
        CHECK(e.error().value == 5);                // bytes still owed
        CHECK_FALSE(f.feed(as_bytes("x")));         // final
    }
    SECTION("inside a chunked body") {
        auto f = make("http://h/");
        REQUIRE(f.feed(as_bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")));
        auto e = f.finish();
        REQUIRE_FALSE(e);
        CHECK(e.error().code == Errc::truncated);
    }
    SECTION("inside the head") {
        auto f = make("http://h/");
        REQUIRE(f.feed(as_bytes("HTTP/1.1 200 OK\r\nContent-Le")));
        auto e = f.finish();
        REQUIRE_FALSE(e);
        CHECK(e.error().is(http_field::head));
        CHECK(e.error().offset == 27);
    }
    SECTION("a malformed status line, with its offset") {
        auto f = make("http://h/");
        auto e = f.feed(as_bytes("HTTP/1.1 2x0 OK\r\n\r\n"));
        REQUIRE_FALSE(e);
        CHECK(e.error().is(http_field::status_code));
        CHECK(e.error().offset == 10); // the 'x'
    }
}

TEST_CASE("FetchSession: interim responses, no-content statuses, extra bytes", "[app][http]") {
    // RFC 9110 §15.2: 1xx responses come before the final one.
    auto f = make("http://h/");
    std::string body;
    auto r = feed_all(f,
                      "HTTP/1.1 100 Continue\r\n\r\n"
                      "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcEXTRA",
                      body, 4);
    REQUIRE(r);
    CHECK(*r);
    CHECK(f.result().interim == 1);
    CHECK(f.result().status == http::Status::not_found);
    CHECK(body == "abc");
    CHECK(f.result().extra_bytes == 5);
    // 204 has no content whatever it says (RFC 9110 §15.3.5, RFC 9112 §6.3 item 1).
    auto g = make("http://h/");
    REQUIRE(g.feed(as_bytes("HTTP/1.1 204 No Content\r\n\r\n")));
    CHECK(g.done());
    CHECK(g.result().body_bytes == 0);
    // 101 would switch protocols: not for this client.
    auto s = make("http://h/");
    CHECK(s.feed(as_bytes("HTTP/1.1 101 Switching Protocols\r\n\r\n")).error().code ==
          Errc::unsupported);
}

TEST_CASE("ServerSession to FetchSession: a 1 MB file, byte for byte", "[app][http]") {
    std::mt19937 rng{20261205};
    std::vector<Byte> file(1 << 20);
    for (auto& b : file)
        b = static_cast<Byte>(rng());
    app::FileTree tree;
    REQUIRE(tree.add("/big.bin", file));
    app::ServerSession server{tree};

    for (bool keep_alive : {true, false}) { // the last exchange closes
        app::FetchOptions opt;
        opt.keep_alive = keep_alive;
        auto f = make("http://10.0.0.2/big.bin", opt);
        REQUIRE(server.feed(f.request()) == f.request().size());
        std::vector<Byte> got;
        // the server's output in TCP-like pieces of random size
        std::uniform_int_distribution<std::size_t> piece{1, 3000};
        while (!server.output().empty()) {
            const auto o = server.output();
            const Bytes b = o.head.empty() ? o.body : o.head;
            const std::size_t n = std::min(piece(rng), b.size());
            auto r =
                f.feed(b.first(n), [&](Bytes d) { got.insert(got.end(), d.begin(), d.end()); });
            REQUIRE(r);
            server.advance(n);
        }
        CHECK(f.done());
        CHECK(got == file);
        CHECK(f.result().content_length == std::uint64_t{1} << 20);
        CHECK(f.result().content_type == "application/octet-stream");
        CHECK(f.result().keep_alive == keep_alive);
        CHECK(server.should_close() == !keep_alive);
    }
    CHECK(server.counters().body_bytes_out == 2u << 20);
}

TEST_CASE("Malformed messages never crash: truncations and mutations", "[app][http][fuzz]") {
    app::FileTree tree;
    REQUIRE(tree.add("/index.html", "hello"));
    const std::vector<std::string> requests = {
        "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "HEAD /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: "
        "h\r\n\r\n",
        "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
    };
    const std::vector<std::string> responses = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
    };
    const Byte values[] = {0, '\r', '\n', ' ', ':', '0', '9', 'f', '%', '/', '.', 0x80, 0xff};

    std::size_t server_runs = 0;
    auto run_server = [&](const std::string& in) {
        app::ServerSession s{tree};
        (void)s.feed(as_bytes(in));
        s.peer_closed();
        std::string out;
        for (auto o = s.output(); !o.empty(); o = s.output()) {
            out += as_string(o.head) + as_string(o.body);
            s.advance(o.size());
        }
        // Every answer is a well-formed HTTP/1.1 response, and the session ends.
        if (!out.empty()) CHECK(out.rfind("HTTP/1.1 ", 0) == 0);
        CHECK(s.should_close());
        ++server_runs;
    };
    std::size_t fetch_errors = 0;
    auto run_fetch = [&](const std::string& in, bool whole) {
        for (std::size_t step : {std::size_t{1}, std::size_t{7}, SIZE_MAX}) {
            auto f = make("http://h/");
            std::uint64_t seen = 0;
            std::string body;
            auto r = feed_all(f, in, body, step);
            seen = body.size();
            const auto done = f.finish();
            if (!r || !done) ++fetch_errors;
            CHECK(seen <= in.size());
            // A truncated message with a length or chunked framing never passes.
            if (!whole && r) CHECK_FALSE(done);
        }
    };
    for (const std::string& m : requests) {
        for (std::size_t len = 0; len <= m.size(); ++len)
            run_server(m.substr(0, len));
        for (std::size_t i = 0; i < m.size(); ++i)
            for (Byte v : values) {
                std::string x = m;
                x[i] = static_cast<char>(v);
                run_server(x);
            }
    }
    for (const std::string& m : responses) {
        for (std::size_t len = 0; len < m.size(); ++len)
            run_fetch(m.substr(0, len), false);
        run_fetch(m, true);
        for (std::size_t i = 0; i < m.size(); ++i)
            for (Byte v : values) {
                std::string x = m;
                x[i] = static_cast<char>(v);
                run_fetch(x, true); // "whole": a mutation may legitimately pass
            }
    }
    CHECK(server_runs > 1000);
    CHECK(fetch_errors > 0);
}

TEST_CASE("FetchSession: a head over the limit is an error, not a wait", "[app][http]") {
    app::FetchOptions opt;
    opt.parse.max_head = 100;
    auto f = make("http://h/", opt);
    std::string head = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 10; ++i)
        head += "X-Pad: 0123456789\r\n"; // 19 bytes each: past 100 on the 5th line
    auto r = f.feed(as_bytes(head));
    REQUIRE_FALSE(r);
    CHECK(r.error().is(http_field::head));
    CHECK(r.error().code == Errc::limit_exceeded);
    CHECK(f.phase() == FetchSession::Phase::failed);
}
