// Seeded random mutations of real messages: the parsers never crash or read
// out of bounds (run under ASan/UBSan), and a message fed whole and fed byte
// by byte always gets the same answer.
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/addr/url.hpp>
#include <strata/wire/http/body.hpp>
#include <strata/wire/http/chunked.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>

using namespace strata;
using namespace strata::http;

namespace {

const std::vector<std::string> samples = {
    "GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4\r\nWiki\r\n0\r\nX: y\r\n\r\n",
    "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\nContent-Length: 13\r\n\r\n"
    "hello strata\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia "
    "\r\n0\r\n\r\n",
};
constexpr std::string_view alphabet{"\r\n :;,\t\0\x7f\x80\xff%0aF/?#@[]", 21};

std::string mutate(std::string s, std::mt19937& rng) {
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
        const std::size_t at = rng() % s.size();
        switch (rng() % 5) {
        case 0:
            s[at] = static_cast<char>(rng() & 0xff);
            break;
        case 1:
            s[at] = alphabet[rng() % alphabet.size()];
            break;
        case 2:
            s.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
        case 3:
            s.erase(at, 1 + rng() % 4);
            break;
        case 4:
            s.resize(at);
            break;
        }
    }
    return s;
}

template <class Parser>
std::string run_head(std::string_view msg, bool byte_by_byte) {
    Parser p;
    Result<Progress> r = Progress{};
    // Copied into exactly-sized storage so ASan sees any read past the end;
    // the last copy stays alive while the views into it are read.
    std::vector<Byte> buf;
    if (byte_by_byte) {
        for (std::size_t n = 0; n <= msg.size(); ++n) {
            buf.assign(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(n));
            buf.shrink_to_fit();
            r = p.feed(Bytes{buf.data(), buf.size()});
            if (!r || r->complete) break;
        }
    } else {
        buf.assign(msg.begin(), msg.end());
        r = p.feed(Bytes{buf.data(), buf.size()});
    }
    if (!r) return "E " + to_string(r.error());
    if (!r->complete) return "more";
    std::string out = std::to_string(r->consumed);
    for (const auto& h : p.message().headers)
        out += std::string(h.name) + ":" + std::string(h.value);
    // Whatever parsed must also serialise (or be refused) without crashing.
    (void)to_string(p.message());
    return out;
}

} // namespace

TEST_CASE("fuzz: mutated messages never crash; whole == byte by byte", "[http][fuzz]") {
    std::mt19937 rng{20261122};
    int completes = 0;
    int errors = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const std::string msg = mutate(samples[rng() % samples.size()], rng);
        const bool is_request = msg.rfind("HTTP/", 0) != 0;
        std::string whole;
        std::string bytes;
        if (is_request) {
            whole = run_head<RequestParser<8>>(msg, false);
            bytes = run_head<RequestParser<8>>(msg, true);
        } else {
            whole = run_head<ResponseParser<8>>(msg, false);
            bytes = run_head<ResponseParser<8>>(msg, true);
        }
        INFO(msg);
        REQUIRE(whole == bytes);
        completes += whole[0] != 'E' && whole != "more";
        errors += whole[0] == 'E';
    }
    // The mutations must exercise both outcomes, or the test proves nothing.
    CHECK(completes > 100);
    CHECK(errors > 100);
}

TEST_CASE("fuzz: mutated chunked bodies never crash; whole == byte by byte", "[http][fuzz]") {
    std::mt19937 rng{7};
    const std::string base = "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n"
                             "0\r\nTrailer: x\r\n\r\n";
    int ok = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        const std::string enc = mutate(base, rng);
        auto run = [&](std::size_t piece) {
            ChunkedDecoder d;
            std::string body;
            std::size_t used = 0;
            for (std::size_t at = 0; at < enc.size(); at += piece) {
                std::vector<Byte> buf(
                    enc.begin() + static_cast<std::ptrdiff_t>(at),
                    enc.begin() + static_cast<std::ptrdiff_t>(std::min(enc.size(), at + piece)));
                auto r = d.feed(Bytes{buf.data(), buf.size()}, [&](Bytes b) {
                    body.append(reinterpret_cast<const char*>(b.data()), b.size());
                });
                if (!r) return "E " + to_string(r.error());
                used += r->consumed;
                if (r->complete) return std::to_string(used) + " " + body;
            }
            return std::string{"more"};
        };
        INFO(enc);
        const std::string whole = run(enc.size() + 1);
        REQUIRE(whole == run(1));
        REQUIRE(whole == run(5));
        ok += whole[0] != 'E' && whole != "more";
    }
    CHECK(ok > 50);
}

TEST_CASE("fuzz: mutated URLs never crash", "[url][fuzz]") {
    std::mt19937 rng{3986};
    const std::vector<std::string> urls = {"http://user:password@www.glasscom.com:80/dir/file1.htm",
                                           "file://localhost/c:/path/file1.zip",
                                           "http://[2001:db8::7]:8080/a?b#c", "mailto:user@host",
                                           "https://10.0.0.1/%41?x=%20"};
    int ok = 0;
    for (int iter = 0; iter < 5000; ++iter) {
        const std::string text = mutate(urls[rng() % urls.size()], rng);
        auto u = Url::parse(text);
        if (u) {
            ++ok;
            // Every component is a view inside the text.
            for (std::string_view c : {u->scheme, u->host, u->path, u->query, u->fragment}) {
                if (c.empty()) continue;
                CHECK(c.data() >= text.data());
                CHECK(c.data() + c.size() <= text.data() + text.size());
            }
            (void)u->origin_form();
            (void)percent_decode(u->path);
        } else {
            CHECK(u.error().offset <= text.size());
        }
    }
    CHECK(ok > 100);
}
