// Operating-system failures as values: which call failed and the errno it
// set. The TAP device and runner return these for every expected failure
// (no /dev/net/tun, no CAP_NET_ADMIN, a name taken by another device) so a
// program or a test can say what happened and carry on; nothing in io/tap
// throws for them.
#pragma once

#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace strata {

/// The errno symbol ("EPERM") of the errors the TAP code can meet; "E?" for
/// any other (the number is in OsError::code).
constexpr std::string_view errno_name(int code) noexcept {
    switch (code) {
    case 0:
        return "OK";
    case EPERM:
        return "EPERM";
    case ENOENT:
        return "ENOENT";
    case EINTR:
        return "EINTR";
    case EIO:
        return "EIO";
    case ENXIO:
        return "ENXIO";
    case EBADF:
        return "EBADF";
    case EAGAIN:
        return "EAGAIN";
    case ENOMEM:
        return "ENOMEM";
    case EACCES:
        return "EACCES";
    case EFAULT:
        return "EFAULT";
    case EBUSY:
        return "EBUSY";
    case EEXIST:
        return "EEXIST";
    case ENODEV:
        return "ENODEV";
    case EINVAL:
        return "EINVAL";
    case ENFILE:
        return "ENFILE";
    case EMFILE:
        return "EMFILE";
    case ENOTTY:
        return "ENOTTY";
    case ENOSPC:
        return "ENOSPC";
    case ENAMETOOLONG:
        return "ENAMETOOLONG";
    case ENOSYS:
        return "ENOSYS";
    case EMSGSIZE:
        return "EMSGSIZE";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EADDRNOTAVAIL:
        return "EADDRNOTAVAIL";
    case ENOBUFS:
        return "ENOBUFS";
    case ENETDOWN:
        return "ENETDOWN";
    case EBADFD:
        return "EBADFD";
    default:
        return "E?";
    }
}

/// One failed system call: `call` names it (a static string such as
/// "ioctl(TUNSETIFF)"), `code` is the errno it set.
struct OsError {
    std::string_view call;
    int code = 0;

    [[nodiscard]] constexpr std::string_view name() const noexcept { return errno_name(code); }
    /// "ioctl(TUNSETIFF): EPERM (errno 1)".
    [[nodiscard]] std::string message() const {
        return std::string(call) + ": " + std::string(name()) + " (errno " + std::to_string(code) +
               ")";
    }
    /// The error of the call that just failed (reads errno).
    [[nodiscard]] static OsError last(std::string_view call) noexcept { return {call, errno}; }
    friend constexpr bool operator==(const OsError&, const OsError&) = default;
};

/// A value or the OsError that prevented it. Checked access is the caller's:
/// test the result (operator bool) before operator* / ->.
template <class T>
class [[nodiscard]] OsResult {
    std::variant<T, OsError> v_;

public:
    OsResult(T value) : v_(std::in_place_index<0>, std::move(value)) {} // NOLINT: implicit
    OsResult(OsError e) noexcept : v_(std::in_place_index<1>, e) {}     // NOLINT: implicit

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    /// Precondition: has_value().
    [[nodiscard]] T& operator*() & noexcept { return *std::get_if<0>(&v_); }
    [[nodiscard]] const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
    [[nodiscard]] T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
    [[nodiscard]] T* operator->() noexcept { return std::get_if<0>(&v_); }
    [[nodiscard]] const T* operator->() const noexcept { return std::get_if<0>(&v_); }
    /// Precondition: !has_value().
    [[nodiscard]] const OsError& error() const noexcept { return *std::get_if<1>(&v_); }
};

template <>
class [[nodiscard]] OsResult<void> {
    std::optional<OsError> e_;

public:
    OsResult() noexcept = default;
    OsResult(OsError e) noexcept : e_(e) {} // NOLINT: implicit

    [[nodiscard]] bool has_value() const noexcept { return !e_.has_value(); }
    explicit operator bool() const noexcept { return has_value(); }
    /// Precondition: !has_value().
    [[nodiscard]] const OsError& error() const noexcept { return *e_; }
};

} // namespace strata
