// ConfigError: what is wrong with a configuration (a route, a rule, later a
// topology file), said in words. It is not a packet-parse Error: there is no
// layer and no byte offset, and the offending value is printed in its own
// form ("10.1.0.0/16", not 167837696).
//
//   route 10.1.0.0/16 metric 5 already present
//   nodes[2].routes[1].prefix: route 10.1.0.0/16 metric 5 already present
//
// The second form carries a key path, filled by whoever knows where the
// value came from (a topology loader calls at("routes[1]") and so on as the
// error travels up). Configuration is control plane: building the message
// allocates, which the data plane never does.
//
// ConfigResult<T> is a T or a ConfigError (std::expected is C++23).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace strata {

/// What kind of configuration problem; the message says which value.
enum class ConfigErrc : std::uint8_t {
    bad_value,      ///< a value that cannot be right (a netmask with holes)
    duplicate,      ///< something already present was added again
    not_found,      ///< something absent was removed or named
    limit_exceeded, ///< a capacity of the structure was reached
};

constexpr std::string_view to_string(ConfigErrc c) noexcept {
    switch (c) {
    case ConfigErrc::bad_value:
        return "bad value";
    case ConfigErrc::duplicate:
        return "duplicate";
    case ConfigErrc::not_found:
        return "not found";
    case ConfigErrc::limit_exceeded:
        return "limit exceeded";
    }
    return "unknown";
}

class ConfigError {
    ConfigErrc code_ = ConfigErrc::bad_value;
    std::string message_;
    std::string path_;

public:
    ConfigError() = default;
    ConfigError(ConfigErrc code, std::string message) : code_(code), message_(std::move(message)) {}

    [[nodiscard]] ConfigErrc code() const noexcept { return code_; }
    /// The problem in words, without the key path.
    [[nodiscard]] const std::string& message() const noexcept { return message_; }
    /// Where the value came from ("nodes[2].routes[1].prefix"), or empty.
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

    /// Prefixes one key to the path: at("prefix") then at("routes[1]") gives
    /// "routes[1].prefix". A key starting with '[' joins without a dot.
    ConfigError& at(std::string_view key) & {
        if (path_.empty())
            path_.assign(key);
        else if (path_.front() == '[')
            path_.insert(0, key);
        else
            path_.insert(0, std::string(key) + '.');
        return *this;
    }
    ConfigError&& at(std::string_view key) && { return std::move(at(key)); }

    /// "path: message", or the message alone when there is no path.
    [[nodiscard]] std::string what() const {
        return path_.empty() ? message_ : path_ + ": " + message_;
    }

    friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

inline std::string to_string(const ConfigError& e) { return e.what(); }

/// A T or a ConfigError. ConfigResult<void> is success or a ConfigError.
template <class T>
class [[nodiscard]] ConfigResult {
    using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
    std::variant<Stored, ConfigError> v_;

public:
    using value_type = T;

    ConfigResult() requires std::is_void_v<T> : v_(std::monostate{}) {}
    template <class U = Stored>
    requires(!std::is_void_v<T> && std::is_constructible_v<Stored, U&&> &&
             !std::is_same_v<std::remove_cvref_t<U>, ConfigError> &&
             !std::is_same_v<std::remove_cvref_t<U>, ConfigResult>) ConfigResult(U&& value)
        : v_(std::in_place_index<0>, std::forward<U>(value)) {}
    ConfigResult(ConfigError e) : v_(std::in_place_index<1>, std::move(e)) {}

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// Precondition: has_value().
    [[nodiscard]] Stored& value() & requires(!std::is_void_v<T>) { return *std::get_if<0>(&v_); }
    [[nodiscard]] const Stored& value() const& requires(!std::is_void_v<T>) {
        return *std::get_if<0>(&v_);
    }
    Stored& operator*() & requires(!std::is_void_v<T>) { return value(); }
    const Stored& operator*() const& requires(!std::is_void_v<T>) { return value(); }
    Stored* operator->() requires(!std::is_void_v<T>) { return std::get_if<0>(&v_); }
    const Stored* operator->() const requires(!std::is_void_v<T>) { return std::get_if<0>(&v_); }

    /// Precondition: !has_value().
    [[nodiscard]] const ConfigError& error() const& { return *std::get_if<1>(&v_); }
    [[nodiscard]] ConfigError&& error() && { return std::move(*std::get_if<1>(&v_)); }
};

/// Returns early with the error of an expression giving a ConfigResult.
#define STRATA_TRY_CONFIG(expr)                                                                    \
    do {                                                                                           \
        if (auto strata_try_c_ = (expr); !strata_try_c_) return std::move(strata_try_c_).error();  \
    } while (false)

} // namespace strata
