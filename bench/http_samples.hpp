// The HTTP messages the benchmarks share (http_request/*, decode_stack/*).
#pragma once

#include <string_view>

namespace strata::bench {

/// A 511-byte Chrome-style GET with 10 header fields.
inline constexpr std::string_view chrome_get =
    "GET /search?q=strata+network+stack&ie=UTF-8&sourceid=chrome HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Accept: "
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
    "Sec-Fetch-Site: none\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9,de;q=0.8\r\n"
    "\r\n";

static_assert(chrome_get.size() == 511);

} // namespace strata::bench
