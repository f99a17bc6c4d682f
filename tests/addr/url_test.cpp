// URL parsing (RFC 3986) table tests.
#include <array>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <strata/addr/url.hpp>

using namespace strata;

TEST_CASE("the two URLs of the issue", "[url]") {
    auto u = Url::parse("http://user:password@www.glasscom.com:80/dir/file1.htm");
    REQUIRE(u);
    CHECK(u->scheme == "http");
    CHECK(u->is(UrlScheme::http));
    CHECK(u->has_authority);
    CHECK(u->authority == "user:password@www.glasscom.com:80");
    CHECK(u->userinfo == "user:password");
    CHECK(u->user == "user");
    CHECK(u->password == "password");
    CHECK(u->host == "www.glasscom.com");
    CHECK(u->host_kind == HostKind::reg_name);
    CHECK(u->port == 80);
    CHECK(u->port_explicit);
    CHECK(u->path == "/dir/file1.htm");
    CHECK_FALSE(u->has_query);
    CHECK_FALSE(u->has_fragment);
    CHECK(u->origin_form() == "/dir/file1.htm");

    auto f = Url::parse("file://localhost/c:/path/file1.zip");
    REQUIRE(f);
    CHECK(f->is(UrlScheme::file));
    CHECK(f->host == "localhost");
    CHECK(f->path == "/c:/path/file1.zip");
    CHECK(f->port == 0);
    CHECK_FALSE(f->port_explicit);
}

TEST_CASE("URL table", "[url]") {
    struct Row {
        std::string_view text;
        UrlScheme scheme;
        std::string_view host;
        HostKind kind;
        std::uint16_t port;
        std::string_view path;
        std::string_view query;
        std::string_view fragment;
        std::string_view origin_form;
    };
    for (auto r : {
             Row{"file:///etc/hosts", UrlScheme::file, "", HostKind::none, 0, "/etc/hosts", "", "",
                 "/etc/hosts"},
             Row{"mailto:user@host", UrlScheme::mailto, "", HostKind::none, 0, "user@host", "", "",
                 "user@host"},
             Row{"news:comp.lang.c", UrlScheme::news, "", HostKind::none, 0, "comp.lang.c", "", "",
                 "comp.lang.c"},
             Row{"ftp://ftp.is.co.za/rfc/rfc1808.txt", UrlScheme::ftp, "ftp.is.co.za",
                 HostKind::reg_name, 21, "/rfc/rfc1808.txt", "", "", "/rfc/rfc1808.txt"},
             Row{"https://example.com", UrlScheme::https, "example.com", HostKind::reg_name, 443,
                 "", "", "", "/"},
             Row{"HTTPS://Example.COM:8443/", UrlScheme::https, "Example.COM", HostKind::reg_name,
                 8443, "/", "", "", "/"},
             Row{"http://192.0.2.16:8080/a?b=c#d", UrlScheme::http, "192.0.2.16", HostKind::ipv4,
                 8080, "/a", "b=c", "d", "/a?b=c"},
             Row{"http://[2001:db8::7]/c=GB?objectClass?one", UrlScheme::http, "2001:db8::7",
                 HostKind::ipv6, 80, "/c=GB", "objectClass?one", "", "/c=GB?objectClass?one"},
             Row{"http://www.ietf.org/rfc/rfc2396.txt", UrlScheme::http, "www.ietf.org",
                 HostKind::reg_name, 80, "/rfc/rfc2396.txt", "", "", "/rfc/rfc2396.txt"},
             Row{"http://h?q", UrlScheme::http, "h", HostKind::reg_name, 80, "", "q", "", "/?q"},
             Row{"http://h:/x", UrlScheme::http, "h", HostKind::reg_name, 80, "/x", "", "", "/x"},
             Row{"http://h/p%20q?x=%41#frag/ment?", UrlScheme::http, "h", HostKind::reg_name, 80,
                 "/p%20q", "x=%41", "frag/ment?", "/p%20q?x=%41"},
             Row{"urn:oasis:names:specification:docbook:dtd:xml:4.1.2", UrlScheme::other, "",
                 HostKind::none, 0, "oasis:names:specification:docbook:dtd:xml:4.1.2", "", "",
                 "oasis:names:specification:docbook:dtd:xml:4.1.2"},
             Row{"http://999.1.1.1/", UrlScheme::http, "999.1.1.1", HostKind::reg_name, 80, "/", "",
                 "", "/"},
         }) {
        INFO(r.text);
        auto u = Url::parse(r.text);
        REQUIRE(u);
        CHECK(u->scheme_id == r.scheme);
        CHECK(u->host == r.host);
        CHECK(u->host_kind == r.kind);
        CHECK(u->port == r.port);
        CHECK(u->path == r.path);
        CHECK(u->query == r.query);
        CHECK(u->fragment == r.fragment);
        CHECK(u->origin_form() == r.origin_form);
    }
    auto v4 = Url::parse("http://10.0.0.1/");
    REQUIRE(v4);
    CHECK(v4->ipv4 == Ipv4Address(10, 0, 0, 1));
    auto q = Url::parse("http://h/?");
    REQUIRE(q);
    CHECK(q->has_query);
    CHECK(q->query.empty());
    CHECK(q->origin_form() == "/?");
    static_assert(Url::parse("https://a.example/").value().port == 443);
    static_assert(default_port(UrlScheme::ftp) == 21);
    static_assert(default_port(UrlScheme::mailto) == 0);
}

TEST_CASE("origin-form into a caller buffer", "[url]") {
    auto u = Url::parse("http://h/path?q=1#f");
    REQUIRE(u);
    std::array<char, 9> out{};
    auto n = u->origin_form(out);
    REQUIRE(n);
    CHECK(std::string_view{out.data(), *n} == "/path?q=1");
    auto e = u->origin_form(std::span<char>{out.data(), 8});
    REQUIRE_FALSE(e);
    CHECK(e.error() == Error{"url", "origin_form", 0, Errc::buffer_too_small, 9, 8});
}

TEST_CASE("percent-decoding", "[url]") {
    CHECK(*percent_decode("%7Euser%20name%2fx+y") == "~user name/x+y");
    CHECK(*percent_decode("") == "");
    CHECK(*percent_decode("%00") == std::string(1, '\0'));
    std::array<char, 4> out{};
    auto n = percent_decode("a%41b", out);
    REQUIRE(n);
    CHECK(std::string_view{out.data(), *n} == "aAb");
    auto small = percent_decode("abcde", out);
    REQUIRE_FALSE(small);
    CHECK(small.error() == Error{"url", "percent", 0, Errc::buffer_too_small, 5, 4});
    for (auto [text, offset] : {std::pair<std::string_view, std::size_t>{"%", 0},
                                {"ab%4", 2},
                                {"%G0", 0},
                                {"x%0g", 1},
                                {"%%41", 0}}) {
        INFO(text);
        auto r = percent_decode(text);
        REQUIRE_FALSE(r);
        CHECK(r.error() == Error{"url", "percent", offset, Errc::bad_syntax});
    }
    auto u = Url::parse("http://us%65r:p%40ss@h/");
    REQUIRE(u);
    CHECK(*percent_decode(u->user) == "user");
    CHECK(*percent_decode(u->password) == "p@ss");
}

TEST_CASE("malformed URLs: field and offset", "[url]") {
    struct Bad {
        std::string_view text;
        std::string_view field;
        Errc code;
        std::size_t offset;
    };
    for (auto b : {
             Bad{"", "scheme", Errc::bad_syntax, 0},
             Bad{"1http://h/", "scheme", Errc::bad_syntax, 0},
             Bad{"ht_tp://h/", "scheme", Errc::bad_syntax, 2},
             Bad{"no-colon", "scheme", Errc::bad_syntax, 8},
             Bad{"http://h:8o/", "port", Errc::bad_syntax, 10},
             Bad{"http://h:65536/", "port", Errc::bad_value, 9},
             Bad{"http://h:99999999999/", "port", Errc::bad_value, 9},
             Bad{"http:///x", "host", Errc::bad_value, 7},
             Bad{"http://user@:80/", "host", Errc::bad_value, 12},
             Bad{"http:relative", "host", Errc::bad_value, 5},
             Bad{"https://", "host", Errc::bad_value, 8},
             Bad{"http://h^st/", "host", Errc::bad_syntax, 8},
             Bad{"http://[2001:db8::1/", "host", Errc::bad_syntax, 7},
             Bad{"http://[]/", "host", Errc::bad_syntax, 8},
             Bad{"http://[::g]/", "host", Errc::bad_syntax, 10},
             Bad{"http://[::1]x/", "host", Errc::bad_syntax, 12},
             Bad{"http://us er@h/", "userinfo", Errc::bad_syntax, 9},
             Bad{"http://h/a b", "path", Errc::bad_syntax, 10},
             Bad{"http://h/%4", "percent", Errc::bad_syntax, 9},
             Bad{"http://h/?q=%zz", "percent", Errc::bad_syntax, 12},
             Bad{"http://h/?a<b", "query", Errc::bad_syntax, 11},
             Bad{"http://h/#a#b", "fragment", Errc::bad_syntax, 11},
         }) {
        INFO(b.text);
        auto r = Url::parse(b.text);
        REQUIRE_FALSE(r);
        CHECK(r.error().layer == "url");
        CHECK(r.error().field == b.field);
        CHECK(r.error().code == b.code);
        CHECK(r.error().offset == b.offset);
    }
    static_assert(!Url::parse("http://h:70000/"));
}
