// Serialising heads, and the enums they use.
#include <array>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <strata/wire/http/method.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>
#include <strata/wire/http/status.hpp>

using namespace strata;
using namespace strata::http;

namespace {
Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const Byte*>(s.data()), s.size()}; }
} // namespace

TEST_CASE("a request built by hand serialises to the bytes RFC 9112 §3 describes", "[http]") {
    Request<8> r;
    r.method = Method::get;
    r.target = "/dir/file1.htm";
    REQUIRE(r.headers.add("Host", "www.glasscom.com"));
    REQUIRE(r.headers.add("Accept", "*/*"));
    // Written out by hand from the grammar: method SP target SP version CRLF,
    // name ": " value CRLF per field, then CRLF.
    constexpr std::string_view expected = "GET /dir/file1.htm HTTP/1.1\r\n"
                                          "Host: www.glasscom.com\r\n"
                                          "Accept: */*\r\n"
                                          "\r\n";
    auto s = to_string(r);
    REQUIRE(s);
    CHECK(*s == expected);

    std::array<Byte, 128> buf{};
    auto n = serialize(r, buf);
    REQUIRE(n);
    CHECK(std::string_view{reinterpret_cast<const char*>(buf.data()), *n} == expected);

    // Exactly enough room works; one byte less is buffer_too_small with the need.
    CHECK(serialize(r, MutBytes{buf.data(), expected.size()}));
    auto small = serialize(r, MutBytes{buf.data(), expected.size() - 1});
    REQUIRE_FALSE(small);
    CHECK(small.error() ==
          Error{"http", "head", 0, Errc::buffer_too_small, expected.size(), expected.size() - 1});

    // And it parses back to the same thing.
    RequestParser<> p;
    REQUIRE(p.feed(bytes_of(expected))->complete);
    CHECK(p.message().target == r.target);
    CHECK(p.message().headers.value("host") == "www.glasscom.com");
}

TEST_CASE("responses: default reason phrase, version, extension methods", "[http]") {
    Response<4> r;
    r.status = Status::not_modified;
    r.version = http10;
    REQUIRE(r.headers.add("Via", "1.1 cache"));
    CHECK(*to_string(r) == "HTTP/1.0 304 Not Modified\r\nVia: 1.1 cache\r\n\r\n");
    r.reason = "Still Good";
    CHECK(*to_string(r) == "HTTP/1.0 304 Still Good\r\nVia: 1.1 cache\r\n\r\n");
    Response<4> odd;
    odd.status = static_cast<Status>(299); // no standard phrase: empty reason, SP kept
    CHECK(*to_string(odd) == "HTTP/1.1 299 \r\n\r\n");

    Request<4> purge;
    purge.method = Method::extension;
    purge.method_text = "PURGE";
    purge.target = "*";
    CHECK(*to_string(purge) == "PURGE * HTTP/1.1\r\n\r\n");
}

TEST_CASE("serialising refuses what would inject or break a line", "[http]") {
    struct Case {
        Request<4> r;
        std::string_view field;
        Errc code;
        std::size_t offset;
    };
    auto make = [](std::string_view name, std::string_view value) {
        Request<4> r;
        r.target = "/";
        (void)r.headers.add(name, value);
        return r;
    };
    Request<4> ext; // extension method without its text
    ext.method = Method::extension;
    ext.target = "/";
    Request<4> sp;
    sp.target = "/a b";
    Request<4> empty;
    for (auto& c : {
             Case{make("X", "a\r\nInjected: 1"), "header_value", Errc::bad_value, 1},
             Case{make("X", std::string_view{"a\0b", 3}), "header_value", Errc::bad_value, 1},
             Case{make("X", " padded"), "header_value", Errc::bad_syntax, 0},
             Case{make("Bad Name", "v"), "header_name", Errc::bad_syntax, 3},
             Case{make("", "v"), "header_name", Errc::bad_syntax, 0},
             Case{ext, "method", Errc::bad_syntax, 0},
             Case{sp, "target", Errc::bad_syntax, 2},
             Case{empty, "target", Errc::bad_syntax, 0},
         }) {
        auto s = to_string(c.r);
        REQUIRE_FALSE(s);
        CHECK(s.error().field == c.field);
        CHECK(s.error().code == c.code);
        CHECK(s.error().offset == c.offset);
        std::array<Byte, 256> buf{};
        CHECK_FALSE(serialize(c.r, buf));
    }
    Response<2> bad;
    bad.reason = "OK\r\nX: y";
    auto s = to_string(bad);
    REQUIRE_FALSE(s);
    CHECK(s.error() == Error{"http", "reason", 2, Errc::bad_value, '\r', 0});
    Response<2> code;
    code.status = static_cast<Status>(42);
    CHECK(to_string(code).error().field == "status_code");
}

TEST_CASE("methods and status classes", "[http]") {
    static_assert(method_from_token("GET") == Method::get);
    static_assert(method_from_token("OPTIONS") == Method::options);
    static_assert(method_from_token("CONNECT") == Method::connect);
    static_assert(method_from_token("Get") == Method::extension);
    for (auto m : {Method::get, Method::head, Method::post, Method::put, Method::delete_,
                   Method::options, Method::trace, Method::connect, Method::patch})
        CHECK(method_from_token(to_string(m)) == m);
    CHECK(is_safe(Method::head));
    CHECK_FALSE(is_safe(Method::post));
    CHECK(is_idempotent(Method::delete_));
    CHECK_FALSE(is_idempotent(Method::patch));

    static_assert(status_class(Status::continue_) == StatusClass::informational);
    static_assert(status_class(Status::no_content) == StatusClass::success);
    static_assert(status_class(Status::found) == StatusClass::redirection);
    static_assert(status_class(Status::not_found) == StatusClass::client_error);
    static_assert(status_class(Status::bad_gateway) == StatusClass::server_error);
    static_assert(status_class(static_cast<Status>(799)) == StatusClass::unknown);
    CHECK(reason_phrase(Status::ok) == "OK");
    CHECK(reason_phrase(Status::not_found) == "Not Found");
    CHECK(reason_phrase(Status::http_version_not_supported) == "HTTP Version Not Supported");
    CHECK(reason_phrase(static_cast<Status>(299)).empty());
    CHECK(to_string(StatusClass::client_error) == "client error");
    CHECK(status_forbids_body(Status::not_modified));
    CHECK(status_forbids_body(static_cast<Status>(103)));
    CHECK_FALSE(status_forbids_body(Status::ok));
}
