// http_request/{strata,http_parser}: a 511-byte Chrome-style GET with 10
// header fields; http_response/{strata,http_parser}: a 334-byte response
// header block. Both implementations do the same work: find the start line
// and every field, recording each name and value (strata in its Headers
// array, http_parser through callbacks into an equal array), and stop at the
// end of the head. Each parser object is reused across iterations, as on a
// keep-alive connection.
#include <cstddef>
#include <string_view>

#include <benchmark/benchmark.h>

#include <strata/wire/http/parser.hpp>

#include "http_samples.hpp"

#if STRATA_HAVE_HTTP_PARSER
#include <http_parser.h>
#endif

namespace {

using strata::bench::chrome_get;

constexpr std::string_view response_head = "HTTP/1.1 200 OK\r\n"
                                           "Date: Sun, 22 Nov 2026 22:13:21 GMT\r\n"
                                           "Server: Apache/2.4.57 (Debian)\r\n"
                                           "Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\n"
                                           "ETag: \"34aa387-d-1568eb001\"\r\n"
                                           "Accept-Ranges: bytes\r\n"
                                           "Content-Length: 51\r\n"
                                           "Vary: Accept-Encoding\r\n"
                                           "Cache-Control: max-age=3600, public\r\n"
                                           "X-Frame-Options: SAMEORIGIN\r\n"
                                           "Content-Type: text/html; charset=UTF-8\r\n"
                                           "\r\n";
static_assert(response_head.size() == 334);

strata::Bytes bytes_of(std::string_view s) {
    return {reinterpret_cast<const strata::Byte*>(s.data()), s.size()};
}

template <class Parser>
void strata_head(benchmark::State& state, std::string_view msg, std::size_t fields) {
    Parser p;
    const auto buf = bytes_of(msg);
    for (auto _ : state) {
        p.reset();
        auto r = p.feed(buf);
        if (!r || !r->complete || p.message().headers.size() != fields) {
            state.SkipWithError("strata failed to parse the sample");
            break;
        }
        benchmark::DoNotOptimize(p.message().headers[fields - 1].value.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * msg.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_request_strata(benchmark::State& state) {
    strata_head<strata::http::RequestParser<>>(state, chrome_get, 10);
}
void BM_response_strata(benchmark::State& state) {
    strata_head<strata::http::ResponseParser<>>(state, response_head, 10);
}
BENCHMARK(BM_request_strata)->Name("http_request/strata");
BENCHMARK(BM_response_strata)->Name("http_response/strata");

#if STRATA_HAVE_HTTP_PARSER
// Records the same views strata keeps. http_parser may split a name or value
// across callbacks only when the input is split; here it arrives whole, but
// the callbacks still extend the last entry so the work is honest.
struct Recorded {
    struct Field {
        const char* name = nullptr;
        std::size_t name_len = 0;
        const char* value = nullptr;
        std::size_t value_len = 0;
    };
    Field fields[64];
    std::size_t n = 0;
    bool in_value = false;
    const char* url = nullptr;
    std::size_t url_len = 0;
    const char* status = nullptr;
    std::size_t status_len = 0;
    bool done = false;
};

int on_url(http_parser* p, const char* at, std::size_t len) {
    auto* r = static_cast<Recorded*>(p->data);
    if (r->url == nullptr) r->url = at;
    r->url_len += len;
    return 0;
}
int on_status(http_parser* p, const char* at, std::size_t len) {
    auto* r = static_cast<Recorded*>(p->data);
    if (r->status == nullptr) r->status = at;
    r->status_len += len;
    return 0;
}
int on_header_field(http_parser* p, const char* at, std::size_t len) {
    auto* r = static_cast<Recorded*>(p->data);
    if (r->in_value || r->n == 0) {
        if (r->n == 64) return 1;
        r->fields[r->n++] = Recorded::Field{at, len, nullptr, 0};
        r->in_value = false;
    } else {
        r->fields[r->n - 1].name_len += len;
    }
    return 0;
}
int on_header_value(http_parser* p, const char* at, std::size_t len) {
    auto* r = static_cast<Recorded*>(p->data);
    auto& f = r->fields[r->n - 1];
    if (!r->in_value) {
        f.value = at;
        r->in_value = true;
    }
    f.value_len += len;
    return 0;
}
int on_headers_complete(http_parser* p) {
    static_cast<Recorded*>(p->data)->done = true;
    return 0;
}

http_parser_settings settings() {
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_url = on_url;
    s.on_status = on_status;
    s.on_header_field = on_header_field;
    s.on_header_value = on_header_value;
    s.on_headers_complete = on_headers_complete;
    return s;
}

void peer_head(benchmark::State& state, std::string_view msg, http_parser_type type,
               std::size_t fields) {
    const http_parser_settings s = settings();
    http_parser p;
    Recorded rec;
    for (auto _ : state) {
        http_parser_init(&p, type);
        rec.n = 0;
        rec.in_value = false;
        rec.url = rec.status = nullptr;
        rec.url_len = rec.status_len = 0;
        rec.done = false;
        p.data = &rec;
        const std::size_t used = http_parser_execute(&p, &s, msg.data(), msg.size());
        if (used != msg.size() || !rec.done || rec.n != fields) {
            state.SkipWithError("http_parser failed to parse the sample");
            break;
        }
        benchmark::DoNotOptimize(rec.fields[fields - 1].value);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * msg.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_request_http_parser(benchmark::State& state) {
    peer_head(state, chrome_get, HTTP_REQUEST, 10);
}
void BM_response_http_parser(benchmark::State& state) {
    peer_head(state, response_head, HTTP_RESPONSE, 10);
}
BENCHMARK(BM_request_http_parser)->Name("http_request/http_parser");
BENCHMARK(BM_response_http_parser)->Name("http_response/http_parser");
#endif

} // namespace

BENCHMARK_MAIN();
