// A parsed (or to-be-serialised) request head: request-line and header
// section (RFC 9112 §3, §5). Every string is a view: into the buffer the
// parser read, or into strings the caller keeps alive while serialising.
#pragma once

#include <cstddef>
#include <string_view>

#include <strata/wire/http/headers.hpp>
#include <strata/wire/http/method.hpp>
#include <strata/wire/http/version.hpp>

namespace strata::http {

template <std::size_t N = 64>
struct Request {
    Method method = Method::get;
    /// The method token as received. When building a request it may stay
    /// empty for the nine standard methods; extension methods need it.
    std::string_view method_text;
    /// request-target (RFC 9112 §3.2): origin-form "/p?q", absolute-form
    /// "http://h/p" (to proxies), authority-form "h:443" (CONNECT) or "*".
    std::string_view target;
    Version version = http11;
    /// "HTTP/1.1" as received (empty when built by hand).
    std::string_view version_text;
    Headers<N> headers;
    /// Bytes of the head, request-line through the empty line (set by the
    /// parser): the body, if any, starts here.
    std::size_t head_len = 0;

    /// The method as text: method_text, or the standard name.
    [[nodiscard]] constexpr std::string_view method_name() const noexcept {
        return method_text.empty() ? to_string(method) : method_text;
    }
};

} // namespace strata::http
