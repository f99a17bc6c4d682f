// HTTP status codes (RFC 9110 §15) with their class and standard reason
// phrase. An open enum: any three-digit code 100..999 is a status; the class
// comes from the first digit (RFC 9110 §15: a client treats an unknown x99 as
// x00 of its class).
#pragma once

#include <cstdint>
#include <string_view>

namespace strata::http {

enum class Status : std::uint16_t {
    continue_ = 100,
    switching_protocols = 101,
    ok = 200,
    created = 201,
    accepted = 202,
    non_authoritative_information = 203,
    no_content = 204,
    reset_content = 205,
    partial_content = 206,
    multiple_choices = 300,
    moved_permanently = 301,
    found = 302,
    see_other = 303,
    not_modified = 304,
    use_proxy = 305,
    temporary_redirect = 307,
    permanent_redirect = 308,
    bad_request = 400,
    unauthorized = 401,
    payment_required = 402,
    forbidden = 403,
    not_found = 404,
    method_not_allowed = 405,
    not_acceptable = 406,
    proxy_authentication_required = 407,
    request_timeout = 408,
    conflict = 409,
    gone = 410,
    length_required = 411,
    precondition_failed = 412,
    content_too_large = 413,
    uri_too_long = 414,
    unsupported_media_type = 415,
    range_not_satisfiable = 416,
    expectation_failed = 417,
    misdirected_request = 421,
    unprocessable_content = 422,
    upgrade_required = 426,
    internal_server_error = 500,
    not_implemented = 501,
    bad_gateway = 502,
    service_unavailable = 503,
    gateway_timeout = 504,
    http_version_not_supported = 505,
};

/// RFC 9110 §15: the first digit of the code.
enum class StatusClass : std::uint8_t {
    informational = 1, ///< 1xx
    success = 2,       ///< 2xx
    redirection = 3,   ///< 3xx
    client_error = 4,  ///< 4xx
    server_error = 5,  ///< 5xx
    unknown = 0,       ///< 6xx..9xx: well-formed on the wire, meaning nothing
};

constexpr std::uint16_t code(Status s) noexcept { return static_cast<std::uint16_t>(s); }

constexpr StatusClass status_class(Status s) noexcept {
    const auto c = code(s);
    if (c >= 100 && c < 600) return static_cast<StatusClass>(c / 100);
    return StatusClass::unknown;
}

constexpr std::string_view to_string(StatusClass c) noexcept {
    switch (c) {
    case StatusClass::informational:
        return "informational";
    case StatusClass::success:
        return "success";
    case StatusClass::redirection:
        return "redirection";
    case StatusClass::client_error:
        return "client error";
    case StatusClass::server_error:
        return "server error";
    case StatusClass::unknown:
        break;
    }
    return "unknown";
}

/// The reason phrase RFC 9110 §15 gives the code; "" for codes it does not
/// name (a sender may then send an empty reason, RFC 9112 §4).
constexpr std::string_view reason_phrase(Status s) noexcept {
    switch (s) {
    case Status::continue_:
        return "Continue";
    case Status::switching_protocols:
        return "Switching Protocols";
    case Status::ok:
        return "OK";
    case Status::created:
        return "Created";
    case Status::accepted:
        return "Accepted";
    case Status::non_authoritative_information:
        return "Non-Authoritative Information";
    case Status::no_content:
        return "No Content";
    case Status::reset_content:
        return "Reset Content";
    case Status::partial_content:
        return "Partial Content";
    case Status::multiple_choices:
        return "Multiple Choices";
    case Status::moved_permanently:
        return "Moved Permanently";
    case Status::found:
        return "Found";
    case Status::see_other:
        return "See Other";
    case Status::not_modified:
        return "Not Modified";
    case Status::use_proxy:
        return "Use Proxy";
    case Status::temporary_redirect:
        return "Temporary Redirect";
    case Status::permanent_redirect:
        return "Permanent Redirect";
    case Status::bad_request:
        return "Bad Request";
    case Status::unauthorized:
        return "Unauthorized";
    case Status::payment_required:
        return "Payment Required";
    case Status::forbidden:
        return "Forbidden";
    case Status::not_found:
        return "Not Found";
    case Status::method_not_allowed:
        return "Method Not Allowed";
    case Status::not_acceptable:
        return "Not Acceptable";
    case Status::proxy_authentication_required:
        return "Proxy Authentication Required";
    case Status::request_timeout:
        return "Request Timeout";
    case Status::conflict:
        return "Conflict";
    case Status::gone:
        return "Gone";
    case Status::length_required:
        return "Length Required";
    case Status::precondition_failed:
        return "Precondition Failed";
    case Status::content_too_large:
        return "Content Too Large";
    case Status::uri_too_long:
        return "URI Too Long";
    case Status::unsupported_media_type:
        return "Unsupported Media Type";
    case Status::range_not_satisfiable:
        return "Range Not Satisfiable";
    case Status::expectation_failed:
        return "Expectation Failed";
    case Status::misdirected_request:
        return "Misdirected Request";
    case Status::unprocessable_content:
        return "Unprocessable Content";
    case Status::upgrade_required:
        return "Upgrade Required";
    case Status::internal_server_error:
        return "Internal Server Error";
    case Status::not_implemented:
        return "Not Implemented";
    case Status::bad_gateway:
        return "Bad Gateway";
    case Status::service_unavailable:
        return "Service Unavailable";
    case Status::gateway_timeout:
        return "Gateway Timeout";
    case Status::http_version_not_supported:
        return "HTTP Version Not Supported";
    }
    return "";
}

/// RFC 9110 §6.4.1 / RFC 9112 §6.3: these responses never carry content,
/// whatever their headers say.
constexpr bool status_forbids_body(Status s) noexcept {
    return status_class(s) == StatusClass::informational || s == Status::no_content ||
           s == Status::not_modified;
}

} // namespace strata::http
