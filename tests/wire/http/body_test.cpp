// Message body length (RFC 9112 §6.3) and chunked decoding (§7.1).
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <strata/wire/http/body.hpp>
#include <strata/wire/http/chunked.hpp>
#include <strata/wire/http/parser.hpp>

using namespace strata;
using namespace strata::http;

namespace {

Bytes bytes_of(std::string_view s) { return {reinterpret_cast<const Byte*>(s.data()), s.size()}; }
std::string text_of(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

Result<Framing> framing_of_request(std::string_view head) {
    RequestParser<> p;
    auto r = p.feed(bytes_of(head));
    if (!r) return r.error();
    REQUIRE(r->complete);
    return request_framing(p.message());
}

Result<Framing> framing_of_response(std::string_view head, Method m = Method::get) {
    ResponseParser<> p;
    auto r = p.feed(bytes_of(head));
    if (!r) return r.error();
    REQUIRE(r->complete);
    return response_framing(p.message(), m);
}

struct Decoded {
    std::string body;
    std::size_t consumed = 0;
    bool complete = false;
    std::string error;
    friend bool operator==(const Decoded&, const Decoded&) = default;
};

// Feeds `encoded` to a chunked decoder in pieces ending at `cuts`.
Decoded dechunk(std::string_view encoded, const std::vector<std::size_t>& cuts,
                ChunkedOptions opt = {}) {
    ChunkedDecoder d{opt};
    Decoded out;
    std::size_t from = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(encoded.size());
    for (std::size_t to : ends) {
        if (to < from) continue;
        // Each piece is a fresh copy that dies after the call: the decoder
        // must not keep pointers into it.
        std::string piece{encoded.substr(from, to - from)};
        auto r = d.feed(bytes_of(piece), [&](Bytes b) { out.body += text_of(b); });
        from = to;
        if (!r) {
            out.error = to_string(r.error());
            return out;
        }
        out.consumed += r->consumed;
        if (r->complete) {
            out.complete = true;
            return out;
        }
    }
    return out;
}

// The classic example of a chunked body (Wikipedia, "Chunked transfer
// encoding"): sizes derived by hand — "Wiki" is 4, "pedia " is 6, and
// "in \r\n\r\nchunks." is 3 + 2 + 2 + 7 = 14 = 0xE.
constexpr std::string_view wiki_chunked = "4\r\nWiki\r\n"
                                          "6\r\npedia \r\n"
                                          "E\r\nin \r\n\r\nchunks.\r\n"
                                          "0\r\n"
                                          "\r\n";
constexpr std::string_view wiki_body = "Wikipedia in \r\n\r\nchunks.";

} // namespace

TEST_CASE("chunked body: whole, every split, byte by byte", "[http][chunked]") {
    const Decoded whole = dechunk(wiki_chunked, {});
    CHECK(whole.body == wiki_body);
    CHECK(whole.complete);
    CHECK(whole.consumed == wiki_chunked.size());
    CHECK(whole.error.empty());
    for (std::size_t cut = 0; cut <= wiki_chunked.size(); ++cut) {
        INFO("split at " << cut);
        CHECK(dechunk(wiki_chunked, {cut}) == whole);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < wiki_chunked.size(); ++i)
        every.push_back(i);
    CHECK(dechunk(wiki_chunked, every) == whole);
}

TEST_CASE("chunked body: extensions skipped, trailers checked and dropped, next message left",
          "[http][chunked]") {
    // RFC 9112 §7.1.1 chunk-ext and §7.1.2 trailer section.
    constexpr std::string_view enc = "5;name=value\r\nhello\r\n"
                                     "6 ; quoted=\"a;b\"\r\n world\r\n"
                                     "000\r\n"
                                     "Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                                     "X-Check: 1\r\n"
                                     "\r\n"
                                     "GET /next HTTP/1.1\r\n";
    const Decoded d = dechunk(enc, {});
    CHECK(d.error.empty());
    CHECK(d.body == "hello world");
    CHECK(d.complete);
    CHECK(enc.substr(d.consumed) == "GET /next HTTP/1.1\r\n");
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < enc.size(); ++i)
        every.push_back(i);
    CHECK(dechunk(enc, every) == d);
}

TEST_CASE("chunked body: each malformation has its own error", "[http][chunked]") {
    struct Bad {
        std::string_view text;
        std::string_view field;
        Errc code;
        std::size_t offset;
    };
    ChunkedOptions small;
    small.max_line = 20;
    small.max_trailer = 10;
    for (auto b : {
             Bad{"g\r\n", "chunk_size", Errc::bad_syntax, 0},
             Bad{"\r\n", "chunk_size", Errc::bad_syntax, 0},
             Bad{"5x\r\n", "chunk_size", Errc::bad_syntax, 1},
             Bad{"5\nhello\r\n", "chunk_size", Errc::bad_syntax, 1}, // bare LF after the size
             Bad{"5\r\rhello", "line_ending", Errc::bad_syntax, 2},
             // 17 hex digits do not fit 64 bits: the 17th is refused, not wrapped.
             Bad{"10000000000000000\r\n", "chunk_size", Errc::too_big, 16},
             Bad{"5\r\nhelloX\r\n", "chunk_data", Errc::bad_syntax, 8},
             Bad{"5\r\nhello\rX", "chunk_data", Errc::bad_syntax, 9},
             Bad{"5;a\x01\r\n", "chunk_ext", Errc::bad_syntax, 3},
             Bad{"5;abcdefghijklmnopqrs\r\n", "chunk_size", Errc::limit_exceeded, 20},
             Bad{"0\r\nNoColon\r\n\r\n", "trailer", Errc::bad_syntax, 10},
             Bad{"0\r\nA: 0123456789\r\n\r\n", "trailer", Errc::limit_exceeded, 13},
             Bad{"0\r\nA: 1\x02\r\n\r\n", "trailer", Errc::bad_value, 7},
             Bad{"0\r\nA: 1\n", "line_ending", Errc::bad_syntax, 7},
             Bad{"0\r\n\rX", "line_ending", Errc::bad_syntax, 4},
         }) {
        INFO(b.text);
        ChunkedDecoder d{small};
        auto r = d.feed(bytes_of(b.text), [](Bytes) {});
        REQUIRE_FALSE(r);
        CHECK(r.error().layer == "http");
        CHECK(r.error().field == b.field);
        CHECK(r.error().code == b.code);
        CHECK(r.error().offset == b.offset);
        // Fed byte by byte, the same error at the same stream offset.
        ChunkedDecoder e{small};
        Result<Progress> last = Progress{};
        for (std::size_t i = 0; i < b.text.size() && last; ++i)
            last = e.feed(bytes_of(b.text.substr(i, 1)), [](Bytes) {});
        REQUIRE_FALSE(last);
        CHECK(last.error() == r.error());
    }
    // 16 hex digits are the largest size that fits: accepted, then waits for data.
    ChunkedDecoder big;
    auto r = big.feed(bytes_of("FFFFFFFFFFFFFFFF\r\nabc"), [](Bytes) {});
    REQUIRE(r);
    CHECK_FALSE(r->complete);
}

TEST_CASE("chunk encoder output decodes back", "[http][chunked]") {
    std::vector<Byte> out(64);
    auto n = encode_chunk(bytes_of("hello"), out);
    REQUIRE(n);
    CHECK(text_of(Bytes{out.data(), *n}) == "5\r\nhello\r\n");
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyz"; // 26 = 0x1a
    n = encode_chunk(bytes_of(alphabet), out);
    REQUIRE(n);
    CHECK(*n == chunk_encoded_len(26));
    CHECK(text_of(Bytes{out.data(), *n}) == "1a\r\n" + alphabet + "\r\n");
    std::string all = text_of(Bytes{out.data(), *n});
    auto last = encode_last_chunk(out);
    REQUIRE(last);
    all += text_of(Bytes{out.data(), *last});
    CHECK(dechunk(all, {}).body == alphabet);
    CHECK(*encode_chunk(Bytes{}, out) == 0);
    std::vector<Byte> tiny(9);
    auto e = encode_chunk(bytes_of("hello"), tiny);
    REQUIRE_FALSE(e);
    CHECK(e.error() == Error{"http", "chunk", 0, Errc::buffer_too_small, 10, 9});
    CHECK_FALSE(encode_last_chunk(MutBytes{tiny.data(), 4}));
}

TEST_CASE("message body length follows RFC 9112 §6.3", "[http][body]") {
    SECTION("requests") {
        CHECK(*framing_of_request("GET / HTTP/1.1\r\n\r\n") == Framing{BodyKind::none, 0});
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n") ==
              Framing{BodyKind::none, 0});
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nContent-Length: 42\r\n\r\n") ==
              Framing{BodyKind::length, 42});
        // A list or repeated field of identical values is one length (item 5).
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nContent-Length: 42, 42\r\n\r\n") ==
              Framing{BodyKind::length, 42});
        CHECK(*framing_of_request(
                  "POST / HTTP/1.1\r\nContent-Length: 42\r\ncontent-length: 42\r\n\r\n") ==
              Framing{BodyKind::length, 42});
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") ==
              Framing{BodyKind::chunked, 0});
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n") ==
              Framing{BodyKind::chunked, 0});
        CHECK(*framing_of_request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n") ==
              Framing{BodyKind::chunked, 0});
    }
    SECTION("responses") {
        CHECK(*framing_of_response("HTTP/1.1 200 OK\r\n\r\n") == Framing{BodyKind::until_close, 0});
        CHECK(*framing_of_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") ==
              Framing{BodyKind::until_close, 0}); // item 4, response side
        constexpr std::string_view cl = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n";
        CHECK(*framing_of_response(cl) == Framing{BodyKind::length, 13});
        CHECK(framing_of_response(cl, Method::head)->kind == BodyKind::none);
        CHECK(framing_of_response("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n")->kind ==
              BodyKind::none);
        CHECK(framing_of_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n")->kind ==
              BodyKind::none);
        CHECK(framing_of_response("HTTP/1.1 101 Switching Protocols\r\n\r\n")->kind ==
              BodyKind::none);
        CHECK(framing_of_response("HTTP/1.1 200 Connection established\r\n\r\n", Method::connect)
                  ->kind == BodyKind::none);
        CHECK(framing_of_response("HTTP/1.1 407 Auth\r\nContent-Length: 3\r\n\r\n", Method::connect)
                  ->kind == BodyKind::length);
    }
    SECTION("errors") {
        struct Bad {
            std::string_view text;
            std::string_view field;
            Errc code;
            std::size_t offset;
        };
        for (auto b : {
                 // Offsets are into the head: "POST / HTTP/1.1\r\n" is 17 bytes and
                 // "Content-Length: " 16 more, so the first value starts at 33.
                 Bad{"POST / HTTP/1.1\r\nContent-Length: 4x\r\n\r\n", "content_length",
                     Errc::bad_syntax, 34},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "content_length",
                     Errc::bad_syntax, 33},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", "content_length",
                     Errc::bad_syntax, 33},
                 Bad{"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", "content_length",
                     Errc::bad_syntax, 32},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: ,\r\n\r\n", "content_length",
                     Errc::bad_syntax, 33},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n",
                     "content_length", Errc::too_big, 33},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", "content_length",
                     Errc::bad_value, 36},
                 Bad{"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                     "content_length", Errc::bad_value, 52},
                 // Both framings: the smuggling case (item 3).
                 Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
                     "transfer_encoding", Errc::bad_length, 45},
                 Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                     "transfer_encoding", Errc::duplicate, 17},
                 Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                     "transfer_encoding", Errc::unsupported, 17},
                 Bad{"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", "transfer_encoding",
                     Errc::bad_version, 17},
             }) {
            INFO(b.text);
            auto r = framing_of_request(b.text);
            REQUIRE_FALSE(r);
            CHECK(r.error().field == b.field);
            CHECK(r.error().code == b.code);
            CHECK(r.error().offset == b.offset);
        }
        // 18446744073709551615 = 2^64 - 1 still fits.
        CHECK(framing_of_request("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n")
                  ->length == 18446744073709551615ull);
    }
}

TEST_CASE("a whole exchange arriving in arbitrary pieces: head, then streamed body",
          "[http][body]") {
    // RFC 9112 §7.1 framing on a response head written for this test.
    const std::string msg = std::string("HTTP/1.1 200 OK\r\n"
                                        "Content-Type: text/plain\r\n"
                                        "Transfer-Encoding: chunked\r\n"
                                        "\r\n") +
                            std::string(wiki_chunked);
    auto run = [&](std::size_t piece) {
        ResponseParser<> head;
        std::string buf; // accumulates only while the head is incomplete
        std::string body;
        std::string reason;
        BodyDecoder dec{Framing{}};
        bool in_body = false;
        bool done = false;
        for (std::size_t at = 0; at < msg.size() && !done; at += piece) {
            const std::string_view part = std::string_view{msg}.substr(at, piece);
            Bytes rest = bytes_of(part);
            if (!in_body) {
                buf.append(part);
                auto r = head.feed(bytes_of(buf));
                REQUIRE(r);
                if (!r->complete) continue;
                reason = std::string(head.message().reason);
                auto f = response_framing(head.message(), Method::get);
                REQUIRE(f);
                dec = BodyDecoder{*f};
                in_body = true;
                rest = bytes_of(std::string_view{buf}.substr(r->consumed));
            }
            auto b = dec.feed(rest, [&](Bytes d) { body += text_of(d); });
            REQUIRE(b);
            done = b->complete;
        }
        CHECK(reason == "OK");
        CHECK(done);
        return body;
    };
    for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                              std::size_t{64}, msg.size()})
        CHECK(run(piece) == wiki_body);
}

TEST_CASE("BodyDecoder: length bodies stop at their end; finish() reports truncation",
          "[http][body]") {
    std::string got;
    BodyDecoder d{Framing{BodyKind::length, 7}};
    auto r = d.feed(bytes_of("a=1&"), [&](Bytes b) { got += text_of(b); });
    CHECK(*r == Progress{false, 4});
    r = d.feed(bytes_of("b=2GET / HTTP/1.1"), [&](Bytes b) { got += text_of(b); });
    CHECK(*r == Progress{true, 3});
    CHECK(got == "a=1&b=2");
    CHECK(d.finish());

    BodyDecoder cut{Framing{BodyKind::length, 10}};
    (void)cut.feed(bytes_of("abc"), [](Bytes) {});
    auto e = cut.finish();
    REQUIRE_FALSE(e);
    CHECK(e.error() == Error{"http", "body", 3, Errc::truncated, 7, 0});

    BodyDecoder close{Framing{BodyKind::until_close, 0}};
    got.clear();
    CHECK(*close.feed(bytes_of("all of it"), [&](Bytes b) { got += text_of(b); }) ==
          Progress{false, 9});
    CHECK(close.finish());
    CHECK(got == "all of it");

    BodyDecoder none{Framing{BodyKind::none, 0}};
    CHECK(none.done());
    CHECK(*none.feed(bytes_of("next"), [](Bytes) { FAIL("no body expected"); }) ==
          Progress{true, 0});

    BodyDecoder chunked{Framing{BodyKind::chunked, 0}};
    (void)chunked.feed(bytes_of("5\r\nhel"), [](Bytes) {});
    auto ce = chunked.finish();
    REQUIRE_FALSE(ce);
    CHECK(ce.error().code == Errc::truncated);
}
