// The chunked transfer coding (RFC 9112 §7.1): the streaming decoder fed
// whole and in pieces, and the encoder's output decoded back.
//
// Input: byte 0 = piece length selector (pieces of 1 + byte0 % 16 bytes),
// byte 1 bit 0 = small limits (max_line 16, max_trailer 32); the rest is
// the encoded body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <strata/wire/http/chunked.hpp>

#include "fuzz_util.hpp"

using namespace strata;
using namespace strata::http;

namespace {

struct Decoded {
    std::string text; // "E <error>", "more" or "<consumed> <body>"
    std::string body;
    std::size_t consumed = 0;
    bool complete = false;
};

// Feeds `enc` in pieces of `piece` bytes, each in its own exactly-sized
// buffer that dies after the call (the decoder must not keep pointers).
Decoded decode(Bytes enc, std::size_t piece, ChunkedOptions opt) {
    ChunkedDecoder d{opt};
    Decoded out;
    std::size_t used = 0;
    for (std::size_t at = 0; at < enc.size() || at == 0; at += piece) {
        const std::size_t n = std::min(piece, enc.size() - at);
        std::vector<Byte> buf(enc.begin() + static_cast<std::ptrdiff_t>(at),
                              enc.begin() + static_cast<std::ptrdiff_t>(at + n));
        const Bytes cur{buf.data(), buf.size()};
        auto r = d.feed(cur, [&](Bytes b) {
            STRATA_FUZZ_CHECK(fuzz::within(b, cur));
            out.body.append(reinterpret_cast<const char*>(b.data()), b.size());
        });
        if (!r) {
            STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
            STRATA_FUZZ_CHECK(!d.done());
            // An error is final.
            STRATA_FUZZ_CHECK(!d.feed(cur, [](Bytes) {}).has_value());
            out.text = "E " + to_string(r.error());
            return out;
        }
        STRATA_FUZZ_CHECK(r->consumed <= n);
        used += r->consumed;
        if (r->complete) {
            STRATA_FUZZ_CHECK(d.done());
            out.complete = true;
            out.consumed = used;
            out.text = std::to_string(used) + " " + out.body;
            return out;
        }
        STRATA_FUZZ_CHECK(r->consumed == n);
        if (enc.empty()) break;
    }
    out.text = "more";
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t piece = 1 + data[0] % 16;
    ChunkedOptions opt;
    if (data[1] & 1) {
        opt.max_line = 16;
        opt.max_trailer = 32;
    }
    const Bytes enc{data + 2, size - 2};
    const Decoded whole = decode(enc, enc.size() + 1, opt);
    const Decoded pieces = decode(enc, piece, opt);
    STRATA_FUZZ_CHECK(whole.text == pieces.text);
    if (!whole.complete) return 0;
    STRATA_FUZZ_CHECK(whole.consumed <= enc.size());

    // Re-encode the body (in chunks of `piece` bytes) and decode it again.
    const Bytes body{reinterpret_cast<const Byte*>(whole.body.data()), whole.body.size()};
    std::vector<Byte> re;
    for (std::size_t at = 0; at < body.size(); at += piece) {
        const Bytes part = body.subspan(at, std::min(piece, body.size() - at));
        std::vector<Byte> buf(chunk_encoded_len(part.size()));
        auto n = encode_chunk(part, buf);
        STRATA_FUZZ_CHECK(n.has_value() && *n == buf.size());
        if (!buf.empty()) {
            std::vector<Byte> small(buf.size() - 1);
            STRATA_FUZZ_CHECK(!encode_chunk(part, small).has_value());
        }
        re.insert(re.end(), buf.begin(), buf.end());
    }
    std::vector<Byte> last(5);
    STRATA_FUZZ_CHECK(encode_last_chunk(last).has_value());
    re.insert(re.end(), last.begin(), last.end());
    const Decoded back = decode(re, re.size() + 1, ChunkedOptions{});
    STRATA_FUZZ_CHECK(back.complete && back.consumed == re.size());
    STRATA_FUZZ_CHECK(back.body == whole.body);
    return 0;
}
