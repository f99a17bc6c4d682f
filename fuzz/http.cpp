// HTTP/1.1 request and response heads through the incremental parsers, the
// body framing (RFC 9112 §6.3) and body decoder, and the serializer.
//
// Input: byte 0 = options (bit 0: accept bare LF, bit 1: small limits),
// bytes 1 and 2 = two cut points; the rest is the message, fed to each
// parser as three growing prefixes (cut at byte1 % (n+1) and byte2 % (n+1),
// sorted), each in a fresh exactly-sized buffer (the parser rebases its
// views), and once whole. Both feeds must give the same answer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <strata/wire/http/body.hpp>
#include <strata/wire/http/chunked.hpp>
#include <strata/wire/http/parser.hpp>
#include <strata/wire/http/serialize.hpp>

#include "fuzz_util.hpp"

using namespace strata;
using namespace strata::http;

namespace {

constexpr std::size_t capacity = 16;

template <std::size_t N>
std::string describe(const Request<N>& r) {
    std::string s = "REQ " + std::string(r.method_name()) + " " + std::string(r.target) + " " +
                    std::to_string(r.version.major) + "." + std::to_string(r.version.minor);
    for (const auto& h : r.headers)
        s += "|" + std::string(h.name) + ":" + std::string(h.value);
    return s;
}
template <std::size_t N>
std::string describe(const Response<N>& r) {
    // The serializer writes the standard phrase for an empty reason.
    const std::string_view reason = r.reason.empty() ? reason_phrase(r.status) : r.reason;
    std::string s = "RSP " + std::to_string(static_cast<unsigned>(r.status)) + " " +
                    std::string(reason) + " " + std::to_string(r.version.major) + "." +
                    std::to_string(r.version.minor);
    for (const auto& h : r.headers)
        s += "|" + std::string(h.name) + ":" + std::string(h.value);
    return s;
}

template <class Message>
std::string_view start_of(const Message& m) {
    if constexpr (requires { m.method_text; })
        return m.method_text;
    else
        return m.version_text;
}

// Every view of a parsed head points into the buffer that was fed last.
template <class Message>
void views_inside(const Message& m, std::string_view buf) {
    for (const auto& h : m.headers) {
        STRATA_FUZZ_CHECK(fuzz::within(h.name, buf));
        STRATA_FUZZ_CHECK(fuzz::within(h.value, buf));
        STRATA_FUZZ_CHECK(!h.name.empty());
    }
    STRATA_FUZZ_CHECK(fuzz::within(m.version_text, buf));
    if constexpr (requires { m.target; }) {
        STRATA_FUZZ_CHECK(fuzz::within(m.method_text, buf));
        STRATA_FUZZ_CHECK(fuzz::within(m.target, buf));
    } else {
        STRATA_FUZZ_CHECK(fuzz::within(m.reason, buf));
    }
}

struct Outcome {
    std::string text; // "E <error>", "more", or consumed + the message
    std::size_t consumed = 0;
    bool complete = false;
};

template <class Parser>
Outcome run(Parser& p, Bytes msg, std::vector<std::size_t> cuts, std::vector<Byte>& keep) {
    cuts.push_back(msg.size());
    std::sort(cuts.begin(), cuts.end());
    Result<Progress> r = Progress{};
    for (std::size_t c : cuts) {
        keep.assign(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(c));
        keep.shrink_to_fit();
        r = p.feed(Bytes{keep.data(), keep.size()});
        if (!r || r->complete) break;
    }
    if (!r) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
        // How much of a too-long line or head had been seen (the error's
        // value) depends on the split; everything else must not.
        Error e = r.error();
        if (e.code == Errc::limit_exceeded) e.value = 0;
        return {"E " + to_string(e), 0, false};
    }
    if (!r->complete) return {"more", 0, false};
    STRATA_FUZZ_CHECK(p.complete());
    STRATA_FUZZ_CHECK(r->consumed == p.message().head_len && r->consumed <= keep.size());
    const std::string_view buf{reinterpret_cast<const char*>(keep.data()), keep.size()};
    views_inside(p.message(), buf);
    return {std::to_string(r->consumed) + " " + describe(p.message()), r->consumed, true};
}

template <class Message>
Result<Framing> framing_of(const Message& m) {
    if constexpr (requires { m.target; })
        return request_framing(m);
    else
        return response_framing(m, Method::get);
}

template <template <std::size_t> class ParserT>
void one_kind(Bytes msg, ParseOptions opt, std::size_t cut1, std::size_t cut2) {
    using P = ParserT<capacity>;
    P whole{opt};
    std::vector<Byte> whole_buf;
    const Outcome a = run(whole, msg, {}, whole_buf);
    P pieces{opt};
    std::vector<Byte> piece_buf;
    const Outcome b = run(pieces, msg, {cut1, cut2}, piece_buf);
    STRATA_FUZZ_CHECK(a.text == b.text);
    if (!a.complete) return;

    const auto& m = whole.message();
    (void)start_of(m);
    // Body framing and the body decoder over what follows the head.
    auto f = framing_of(m);
    if (f) {
        BodyDecoder d{*f};
        const Bytes rest = Bytes(whole_buf).subspan(a.consumed);
        std::size_t seen = 0;
        auto r = d.feed(rest, [&](Bytes chunk) {
            STRATA_FUZZ_CHECK(fuzz::within(chunk, rest));
            seen += chunk.size();
        });
        if (r) {
            STRATA_FUZZ_CHECK(r->consumed <= rest.size());
            STRATA_FUZZ_CHECK(seen <= r->consumed);
            if (f->kind == BodyKind::length) STRATA_FUZZ_CHECK(seen <= f->length);
        }
        fuzz::keep(d.finish());
    } else {
        STRATA_FUZZ_CHECK(fuzz::well_formed(f.error()));
    }
    if constexpr (requires { m.target; }) {
        if (auto rf = response_framing(Response<capacity>{}, Method::head))
            STRATA_FUZZ_CHECK(rf->kind == BodyKind::none);
    }

    // A head that serializes parses back to the same message.
    auto s = to_string(m);
    if (!s) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(s.error()));
        return;
    }
    std::vector<Byte> sbuf(s->begin(), s->end());
    P again{ParseOptions{}};
    auto r = again.feed(Bytes{sbuf.data(), sbuf.size()});
    STRATA_FUZZ_CHECK(r.has_value() && r->complete && r->consumed == sbuf.size());
    STRATA_FUZZ_CHECK(describe(again.message()) == describe(m));
    std::vector<Byte> exact(s->size());
    auto n = serialize(m, exact);
    STRATA_FUZZ_CHECK(n.has_value() && *n == s->size());
    STRATA_FUZZ_CHECK(fuzz::same_bytes(exact, sbuf));
    if (!exact.empty()) {
        std::vector<Byte> short_buf(exact.size() - 1);
        STRATA_FUZZ_CHECK(!serialize(m, short_buf).has_value());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    ParseOptions opt;
    opt.accept_bare_lf = (data[0] & 1) != 0;
    if (data[0] & 2) {
        opt.max_line = 64;
        opt.max_head = 256;
    }
    const Bytes msg{data + 3, size - 3};
    const std::size_t cut1 = data[1] % (msg.size() + 1);
    const std::size_t cut2 = (std::size_t{data[2]} * 7) % (msg.size() + 1);
    one_kind<RequestParser>(msg, opt, cut1, cut2);
    one_kind<ResponseParser>(msg, opt, cut1, cut2);
    return 0;
}
