// strata-dissect, HTTP/1.1 heads (RFC 9112) at the start of a TCP segment.
// The HTTP layer's view holds a whole head of at most 32 fields; the scheme
// wants what this one segment holds, each bad field line as [line, null]
// and the lines after it, so the segment is parsed here, line problem by
// line problem, with http::RequestParser / ResponseParser.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include <strata/wire/http/parser.hpp>

#include "walk.hpp"

namespace strata::dissect {

namespace {

inline constexpr std::size_t max_http_headers = 128;

std::size_t find_byte(Bytes b, std::size_t from, Byte c) {
    for (std::size_t i = from; i < b.size(); ++i)
        if (b[i] == c) return i;
    return b.size();
}

std::string_view as_text(Bytes b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Returns false when the segment does not start with a start line of this kind.
template <bool IsRequest>
bool decode_http_as(Walk& w, Bytes seg, std::size_t base) {
    using Parser = std::conditional_t<IsRequest, http::RequestParser<max_http_headers>,
                                      http::ResponseParser<max_http_headers>>;
    http::ParseOptions opt;
    opt.accept_bare_lf = true; // as most dissectors and clients do (RFC 9112 §2.2 MAY)
    const std::size_t nl = find_byte(seg, 0, '\n');
    if (nl == seg.size()) return false;
    const std::size_t start_len = nl + 1;
    {
        Parser p(opt);
        if (!p.feed(seg.first(start_len)) || p.message().version_text.empty()) return false;
    }
    json h{{"kind", IsRequest ? "request" : "response"}};
    json headers = json::array();
    // Each round parses start line + the header lines not yet read; a bad
    // header line becomes [line, null] and the next round starts after it.
    std::size_t rest = start_len;
    bool first_round = true;
    std::string joined;
    for (;;) {
        Bytes in = seg;
        if (rest != start_len) {
            joined.assign(as_text(seg.first(start_len)));
            joined.append(as_text(seg.subspan(rest)));
            in = Bytes(reinterpret_cast<const Byte*>(joined.data()), joined.size());
        }
        Parser p(opt);
        const auto r = p.feed(in);
        const auto& msg = p.message();
        if (first_round) {
            if constexpr (IsRequest) {
                h["method"] = text(msg.method_name());
                h["uri"] = text(msg.target);
                h["version"] = text(msg.version_text);
            } else {
                h["version"] = text(msg.version_text);
                h["status"] = static_cast<int>(msg.status);
                h["reason"] = text(msg.reason);
            }
            first_round = false;
        }
        for (const http::Header& f : msg.headers)
            headers.push_back({lower(text(f.name)), text(f.value)});
        if (r) break; // head complete, or the segment ends inside it
        Error e = r.error();
        if (e.offset < start_len) { // cannot happen: the start line parsed
            w.error(e, base);
            break;
        }
        e.offset = e.offset - start_len + rest; // back to segment offsets
        w.error(e, base);
        const bool line_problem = e.is(http_field::header) || e.is(http_field::header_name) ||
                                  e.is(http_field::obs_fold) || e.is(http_field::line) ||
                                  e.is(http_field::line_ending);
        if (!line_problem) break;
        std::size_t ls = e.offset;
        while (ls > rest && seg[ls - 1] != '\n')
            --ls;
        const std::size_t eol = find_byte(seg, e.offset, '\n');
        std::size_t le = eol;
        if (le > ls && seg[le - 1] == '\r') --le;
        headers.push_back({text(seg.subspan(ls, le - ls)), nullptr});
        if (eol >= seg.size()) break;
        rest = eol + 1;
    }
    h["headers"] = std::move(headers);
    w.frame["http"] = std::move(h);
    w.layer("http");
    return true;
}

// A request or a status line at the start of `seg` (else nothing: the
// segment continues a message, or is not HTTP).
void http_segment(Walk& w, Bytes seg) {
    const std::size_t base = w.offset_of(seg);
    static constexpr char http_prefix[] = "HTTP/";
    const bool response = seg.size() >= 5 && std::equal(seg.begin(), seg.begin() + 5, http_prefix);
    if (response)
        decode_http_as<false>(w, seg, base);
    else
        decode_http_as<true>(w, seg, base);
}

} // namespace

void write(Walk& w, as<HTTP>, const HttpView<>& v) { http_segment(w, Bytes(v.bytes())); }
// The view wants the whole head in this segment, the scheme does not.
void salvage(Walk& w, as<HTTP>, Bytes p, const Error&) { http_segment(w, p); }

} // namespace strata::dissect
