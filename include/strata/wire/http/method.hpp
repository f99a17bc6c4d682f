// HTTP request methods (RFC 9110 §9; PATCH is RFC 5789). Method names are
// case-sensitive tokens; anything not listed is an extension method, kept as
// text by the request (Request::method_text), never an error.
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::http {

enum class Method : std::uint8_t {
    get,
    head,
    post,
    put,
    delete_,
    options,
    trace,
    connect,
    patch,
    extension, ///< any other token; its text is in Request::method_text
};

constexpr std::string_view to_string(Method m) noexcept {
    switch (m) {
    case Method::get:
        return "GET";
    case Method::head:
        return "HEAD";
    case Method::post:
        return "POST";
    case Method::put:
        return "PUT";
    case Method::delete_:
        return "DELETE";
    case Method::options:
        return "OPTIONS";
    case Method::trace:
        return "TRACE";
    case Method::connect:
        return "CONNECT";
    case Method::patch:
        return "PATCH";
    case Method::extension:
        break;
    }
    return "";
}

/// The method a token names; Method::extension for any other token. Exact,
/// case-sensitive match (RFC 9110 §9.1: "get" is not GET).
constexpr Method method_from_token(std::string_view t) noexcept {
    switch (t.size()) {
    case 3:
        if (t == "GET") return Method::get;
        if (t == "PUT") return Method::put;
        break;
    case 4:
        if (t == "HEAD") return Method::head;
        if (t == "POST") return Method::post;
        break;
    case 5:
        if (t == "TRACE") return Method::trace;
        if (t == "PATCH") return Method::patch;
        break;
    case 6:
        if (t == "DELETE") return Method::delete_;
        break;
    case 7:
        if (t == "OPTIONS") return Method::options;
        if (t == "CONNECT") return Method::connect;
        break;
    default:
        break;
    }
    return Method::extension;
}

/// Safe methods (RFC 9110 §9.2.1): read-only by definition.
constexpr bool is_safe(Method m) noexcept {
    return m == Method::get || m == Method::head || m == Method::options || m == Method::trace;
}

/// Idempotent methods (RFC 9110 §9.2.2): a client may retry them.
constexpr bool is_idempotent(Method m) noexcept {
    return is_safe(m) || m == Method::put || m == Method::delete_;
}

} // namespace strata::http
