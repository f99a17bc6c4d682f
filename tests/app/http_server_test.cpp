// FileTree and ServerSession (app/http): every expected response below is
// written out by hand from RFC 9110/9112 and the session's documented header
// order (Server, Content-Type, Content-Length, Allow, Connection), never
// captured from the session.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <strata/app/http/file_tree.hpp>
#include <strata/app/http/server_session.hpp>

using namespace strata;
using app::FileTree;
using app::ServerSession;

namespace {

Bytes as_bytes(std::string_view s) {
    return Bytes{reinterpret_cast<const Byte*>(s.data()), s.size()};
}

FileTree site() {
    FileTree t;
    REQUIRE(t.add("/index.html", "hello"));
    REQUIRE(t.add("/a b.txt", "spaced"));
    REQUIRE(t.add("/dir/index.html", "<p>dir</p>"));
    REQUIRE(t.add("/img/logo.PNG", std::string(3, '\x89')));
    return t;
}

/// Writes out everything the session has, in pieces of at most `step` bytes.
std::string drain(ServerSession& s, std::size_t step = SIZE_MAX) {
    std::string out;
    for (;;) {
        const auto o = s.output();
        if (o.empty()) break;
        const Bytes piece = o.head.empty() ? o.body : o.head;
        const std::size_t n = piece.size() < step ? piece.size() : step;
        out.append(reinterpret_cast<const char*>(piece.data()), n);
        s.advance(n);
    }
    return out;
}

std::string serve(const FileTree& t, std::string_view in, std::size_t step = SIZE_MAX) {
    ServerSession s{t};
    REQUIRE(s.feed(as_bytes(in)) == in.size());
    return drain(s, step);
}

// The fixed part of every head: "Server: strata" (ServerConfig default).
constexpr std::string_view ok_index = "HTTP/1.1 200 OK\r\n"
                                      "Server: strata\r\n"
                                      "Content-Type: text/html\r\n"
                                      "Content-Length: 5\r\n" // "hello"
                                      "\r\n";
// "Not Found\n" is 10 bytes.
constexpr std::string_view not_found = "HTTP/1.1 404 Not Found\r\n"
                                       "Server: strata\r\n"
                                       "Content-Type: text/plain\r\n"
                                       "Content-Length: 10\r\n"
                                       "\r\n"
                                       "Not Found\n";

} // namespace

TEST_CASE("FileTree: media types come from the extension", "[app][http]") {
    CHECK(app::content_type_for("/index.html") == "text/html");
    CHECK(app::content_type_for("/a.HTM") == "text/html");
    CHECK(app::content_type_for("/x.txt") == "text/plain");
    CHECK(app::content_type_for("/s.css") == "text/css");
    CHECK(app::content_type_for("/s.js") == "text/javascript"); // RFC 9239
    CHECK(app::content_type_for("/p.png") == "image/png");
    CHECK(app::content_type_for("/p.jpg") == "image/jpeg");
    CHECK(app::content_type_for("/p.gif") == "image/gif");
    CHECK(app::content_type_for("/d.json") == "application/json");
    CHECK(app::content_type_for("/blob.bin") == "application/octet-stream");
    CHECK(app::content_type_for("/noext") == "application/octet-stream");
    CHECK(app::content_type_for("/dir.d/noext") == "application/octet-stream");
}

TEST_CASE("FileTree: lookup normalises the request-target", "[app][http]") {
    const FileTree t = site();
    CHECK(t.size() == 4);
    auto root = t.lookup("/");
    REQUIRE(root);
    CHECK(root->path == "/index.html");
    CHECK(root->content_type == "text/html");
    CHECK(std::string_view(reinterpret_cast<const char*>(root->body.data()), root->body.size()) ==
          "hello");
    CHECK(t.lookup("/dir/")->path == "/dir/index.html");
    CHECK(t.lookup("/a%20b.txt")->path == "/a b.txt"); // RFC 3986 §2.1
    CHECK(t.lookup("/index.html?x=1")->path == "/index.html");
    CHECK(t.lookup("http://www.lab.example/dir/index.html")->path == "/dir/index.html");
    CHECK(t.lookup("http://www.lab.example")->path == "/index.html");
    CHECK(t.lookup("/img/logo.PNG")->content_type == "image/png");

    CHECK(t.lookup("/missing").error().code == Errc::not_found);
    CHECK(t.lookup("/../index.html").error().code == Errc::bad_value);
    CHECK(t.lookup("/dir/%2e%2e/index.html").error().code == Errc::bad_value); // decoded ".."
    CHECK(t.lookup("/dir%2F..%2Findex.html").error().code == Errc::bad_value);
    CHECK(t.lookup("/a%00").error().code == Errc::bad_value);
    CHECK(t.lookup("/%zz").error().code == Errc::bad_syntax);
    CHECK(t.lookup("*").error().code == Errc::bad_syntax);
    CHECK(t.lookup("ftp://h/x").error().code == Errc::bad_syntax);
    CHECK(t.lookup("/" + std::string(FileTree::max_path, 'a')).error().code ==
          Errc::limit_exceeded);
    CHECK(t.lookup("/..a").error().code == Errc::not_found); // "..a" is a name, not ".."
}

TEST_CASE("FileTree: add refuses paths it could never serve", "[app][http]") {
    FileTree t;
    CHECK(t.add("index.html", "x").error().code == Errc::bad_syntax);
    CHECK(t.add("/a/../b", "x").error().code == Errc::bad_value);
    CHECK(t.add("/x", "x", "text/plain\r\nX: y").error().code == Errc::bad_value);
    REQUIRE(t.add("/x", "x", "text/x-custom"));
    CHECK(t.find("/x")->content_type == "text/x-custom");
    REQUIRE(t.add("/x", "yy")); // replaces
    CHECK(t.find("/x")->body.size() == 2);
}

TEST_CASE("ServerSession: GET and HEAD", "[app][http]") {
    const FileTree t = site();
    CHECK(serve(t, "GET / HTTP/1.1\r\nHost: h\r\n\r\n") == std::string(ok_index) + "hello");
    // RFC 9110 §9.3.2: the same fields as GET, no content.
    CHECK(serve(t, "HEAD /index.html HTTP/1.1\r\nHost: h\r\n\r\n") == ok_index);
    CHECK(serve(t, "GET /a%20b.txt HTTP/1.1\r\nHost: h\r\n\r\n") ==
          "HTTP/1.1 200 OK\r\nServer: strata\r\nContent-Type: text/plain\r\n"
          "Content-Length: 6\r\n\r\nspaced");
    // Written one byte at a time, the output is the same.
    CHECK(serve(t, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", 1) == std::string(ok_index) + "hello");
}

TEST_CASE("ServerSession: the body is a span of the tree, not a copy", "[app][http]") {
    const FileTree t = site();
    ServerSession s{t};
    (void)s.feed(as_bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    const auto o = s.output();
    CHECK(o.head.size() == ok_index.size());
    CHECK(o.body.data() == t.find("/index.html")->body.data());
    s.advance(o.size());
    CHECK(s.pending() == 0);
    CHECK_FALSE(s.should_close()); // HTTP/1.1 persists
    CHECK(s.counters().ok == 1);
    CHECK(s.counters().responses == 1);
    CHECK(s.counters().head_bytes_out == ok_index.size());
    CHECK(s.counters().body_bytes_out == 5);
}

TEST_CASE("ServerSession: 404, 405 with Allow, 501", "[app][http]") {
    const FileTree t = site();
    CHECK(serve(t, "GET /nope HTTP/1.1\r\nHost: h\r\n\r\n") == not_found);
    // HEAD of a missing file: the 404 head alone.
    CHECK(serve(t, "HEAD /nope HTTP/1.1\r\nHost: h\r\n\r\n") ==
          not_found.substr(0, not_found.size() - 10));
    // RFC 9110 §15.5.6: 405 MUST carry Allow. "Method Not Allowed\n" = 19 bytes.
    const std::string not_allowed = "HTTP/1.1 405 Method Not Allowed\r\n"
                                    "Server: strata\r\n"
                                    "Content-Type: text/plain\r\n"
                                    "Content-Length: 19\r\n"
                                    "Allow: GET, HEAD\r\n"
                                    "\r\n"
                                    "Method Not Allowed\n";
    CHECK(serve(t, "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n") == not_allowed);
    // A POST with content: the content is skipped, the next request answered.
    CHECK(serve(t, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                   "GET / HTTP/1.1\r\nHost: h\r\n\r\n") ==
          not_allowed + std::string(ok_index) + "hello");
    // A chunked one too (RFC 9112 §7.1).
    CHECK(serve(t, "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") ==
          not_allowed + std::string(ok_index) + "hello");
    // RFC 9110 §9.1: an unrecognised method gets 501. "Not Implemented\n" = 16.
    CHECK(serve(t, "BREW / HTTP/1.1\r\nHost: h\r\n\r\n") ==
          "HTTP/1.1 501 Not Implemented\r\nServer: strata\r\nContent-Type: text/plain\r\n"
          "Content-Length: 16\r\n\r\nNot Implemented\n");
}

TEST_CASE("ServerSession: 400 and 505 close the connection", "[app][http]") {
    const FileTree t = site();
    // "Bad Request\n" = 12 bytes.
    const std::string bad = "HTTP/1.1 400 Bad Request\r\n"
                            "Server: strata\r\n"
                            "Content-Type: text/plain\r\n"
                            "Content-Length: 12\r\n"
                            "Connection: close\r\n"
                            "\r\n"
                            "Bad Request\n";
    for (std::string_view in : {
             std::string_view{"GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n"},
             std::string_view{"GET / HTTP/1.1\r\n\r\n"}, // no Host (RFC 9112 §3.2)
             std::string_view{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}, // two Hosts
             std::string_view{"GET /../x HTTP/1.1\r\nHost: h\r\n\r\n"},
             std::string_view{"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n"}, // RFC 9112 §6.3 item 3
             std::string_view{"GET /\x01 HTTP/1.1\r\n\r\n"},
         }) {
        ServerSession s{t};
        (void)s.feed(as_bytes(in));
        // Input after the error is read and dropped.
        (void)s.feed(as_bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CHECK_FALSE(s.should_close()); // not before the 400 is written
        CHECK(drain(s) == bad);
        CHECK(s.should_close());
        CHECK(s.counters().bad_request == 1);
    }
    // RFC 9110 §15.6.6; "HTTP Version Not Supported\n" = 27 bytes.
    ServerSession s{t};
    (void)s.feed(as_bytes("GET / HTTP/2.0\r\nHost: h\r\n\r\n"));
    CHECK(drain(s) == "HTTP/1.1 505 HTTP Version Not Supported\r\nServer: strata\r\n"
                      "Content-Type: text/plain\r\nContent-Length: 27\r\nConnection: close\r\n"
                      "\r\nHTTP Version Not Supported\n");
    CHECK(s.should_close());
    CHECK(s.counters().bad_version == 1);
}

TEST_CASE("ServerSession: heads over the limits get 414 and 431", "[app][http]") {
    const FileTree t = site();
    app::ServerConfig cfg;
    cfg.parse.max_line = 100;
    cfg.parse.max_head = 200;
    {
        ServerSession s{t, cfg};
        (void)s.feed(as_bytes("GET /" + std::string(120, 'a') + " HTTP/1.1\r\n"));
        const std::string out = drain(s);
        CHECK(out.rfind("HTTP/1.1 414 URI Too Long\r\n", 0) == 0);
        CHECK(s.should_close());
    }
    {
        ServerSession s{t, cfg};
        std::string in = "GET / HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 10; ++i)
            in += "X-Pad: " + std::string(40, 'p') + "\r\n";
        (void)s.feed(as_bytes(in));
        const std::string out = drain(s);
        CHECK(out.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
        CHECK(s.should_close());
    }
}

TEST_CASE("ServerSession: persistence per RFC 9112 §9.3", "[app][http]") {
    const FileTree t = site();
    struct Case {
        std::string_view request;
        std::string_view connection_field; // what the response must say, "" for nothing
        bool closes;
    };
    for (const Case& c : {
             // HTTP/1.1 persists by default
             Case{"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "", false},
             Case{"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "close", true},
             Case{"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n", "close", true},
             // HTTP/1.0 closes unless keep-alive
             Case{"GET / HTTP/1.0\r\n\r\n", "close", true},
             Case{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "keep-alive", false},
             Case{"GET /nope HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "keep-alive", false},
         }) {
        ServerSession s{t};
        (void)s.feed(as_bytes(c.request));
        const std::string out = drain(s);
        const std::string field =
            c.connection_field.empty() ? "" : "Connection: " + std::string(c.connection_field);
        INFO(c.request);
        if (field.empty())
            CHECK(out.find("Connection:") == std::string::npos);
        else
            CHECK(out.find(field + "\r\n\r\n") != std::string::npos);
        CHECK(out.rfind("HTTP/1.1 ", 0) == 0); // RFC 9110 §6.2: our version, to 1.0 too
        CHECK(s.should_close() == c.closes);
    }
}

TEST_CASE("ServerSession: pipelined requests are answered in order", "[app][http]") {
    const FileTree t = site();
    const std::string in = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"
                           "GET /nope HTTP/1.1\r\nHost: h\r\n\r\n"
                           "HEAD / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
                           "GET / HTTP/1.1\r\nHost: h\r\n\r\n"; // after close: never answered
    const std::string closing_head = "HTTP/1.1 200 OK\r\nServer: strata\r\n"
                                     "Content-Type: text/html\r\nContent-Length: 5\r\n"
                                     "Connection: close\r\n\r\n";
    const std::string expected =
        std::string(ok_index) + "hello" + std::string(not_found) + closing_head;
    for (std::size_t step : {SIZE_MAX, std::size_t{7}, std::size_t{1}}) {
        ServerSession s{t};
        // fed in pieces of `step` bytes too
        for (std::size_t i = 0; i < in.size(); i += std::min(step, in.size() - i))
            REQUIRE(s.feed(as_bytes(std::string_view(in).substr(i, step))) ==
                    std::min(step, in.size() - i));
        CHECK(drain(s, step) == expected);
        CHECK(s.should_close());
        CHECK(s.counters().requests == 3);
        CHECK(s.counters().responses == 3);
    }
}

TEST_CASE("ServerSession: a full pipeline stops input until output drains", "[app][http]") {
    const FileTree t = site();
    app::ServerConfig cfg;
    cfg.max_pipeline = 2;
    cfg.parse.max_head = 64;
    cfg.input_buffer = 80;
    ServerSession s{t, cfg};
    std::string in;
    for (int i = 0; i < 6; ++i)
        in += "GET / HTTP/1.1\r\nHost: h\r\n\r\n"; // 27 bytes each
    std::size_t fed = s.feed(as_bytes(in));
    CHECK(fed < in.size()); // 80 bytes of buffer, 2 responses waiting
    CHECK(s.pending() == 2);
    std::string out;
    while (fed < in.size() || s.pending() != 0) {
        out += drain(s);
        fed += s.feed(as_bytes(std::string_view(in).substr(fed)));
    }
    std::string expected;
    for (int i = 0; i < 6; ++i)
        expected += std::string(ok_index) + "hello";
    CHECK(out == expected);
    CHECK(s.counters().requests == 6);
}

TEST_CASE("ServerSession: EOF after requests, and in the middle of one", "[app][http]") {
    const FileTree t = site();
    ServerSession s{t};
    (void)s.feed(as_bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET /nope HTTP/1.1\r\nHo"));
    s.peer_closed();
    CHECK_FALSE(s.should_close()); // the answer is still owed (half-close)
    CHECK(drain(s) == std::string(ok_index) + "hello");
    CHECK(s.should_close()); // the partial second request is dropped

    ServerSession idle{t};
    idle.peer_closed();
    CHECK(idle.should_close());
}

TEST_CASE("ServerSession: recv straight into input_space", "[app][http]") {
    const FileTree t = site();
    ServerSession s{t};
    const std::string_view req = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
    const MutBytes space = s.input_space();
    REQUIRE(space.size() >= req.size());
    std::copy(req.begin(), req.end(), space.begin());
    s.commit(req.size());
    CHECK(drain(s) == std::string(ok_index) + "hello");
    CHECK(s.counters().bytes_in == req.size());
}

TEST_CASE("ServerSession: a configured Server name, or none", "[app][http]") {
    const FileTree t = site();
    app::ServerConfig cfg;
    cfg.server = "";
    {
        ServerSession s{t, cfg};
        (void)s.feed(as_bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CHECK(drain(s) == "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
                          "\r\nhello");
    }
    cfg.server = "evil\r\nSet-Cookie: x"; // not field text: dropped, never injected
    {
        ServerSession s{t, cfg};
        (void)s.feed(as_bytes("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        CHECK(drain(s).find("Set-Cookie") == std::string::npos);
    }
}

TEST_CASE("ServerSession: moving a session mid-request keeps its state", "[app][http]") {
    const FileTree t = site();
    ServerSession a{t};
    (void)a.feed(as_bytes("GET / HTTP/1.1\r\nHo"));
    ServerSession b{std::move(a)};
    (void)b.feed(as_bytes("st: h\r\n\r\n"));
    CHECK(drain(b) == std::string(ok_index) + "hello");
}

TEST_CASE("ServerSession: absolute-form targets (RFC 9112 §3.2.2)", "[app][http]") {
    const FileTree t = site();
    CHECK(serve(t, "GET http://www.lab.example/ HTTP/1.1\r\nHost: www.lab.example\r\n\r\n") ==
          std::string(ok_index) + "hello");
}
