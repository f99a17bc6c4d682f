// A parsed (or to-be-serialised) response head: status-line and header
// section (RFC 9112 §4, §5), as views.
#pragma once

#include <cstddef>
#include <string_view>

#include <strata/wire/http/headers.hpp>
#include <strata/wire/http/status.hpp>
#include <strata/wire/http/version.hpp>

namespace strata::http {

template <std::size_t N = 64>
struct Response {
    Version version = http11;
    /// "HTTP/1.1" as received (empty when built by hand).
    std::string_view version_text;
    Status status = Status::ok;
    /// reason-phrase as received; may be empty (RFC 9112 §4). When building,
    /// empty means "use reason_phrase(status)".
    std::string_view reason;
    Headers<N> headers;
    /// Bytes of the head, status-line through the empty line (set by the parser).
    std::size_t head_len = 0;

    [[nodiscard]] constexpr StatusClass status_class() const noexcept {
        return http::status_class(status);
    }
};

} // namespace strata::http
