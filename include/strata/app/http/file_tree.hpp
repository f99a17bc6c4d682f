// An in-memory tree of static files for an HTTP origin server (DESIGN.md §1
// step 12): path → bytes + media type. The caller fills it (a tool from a
// directory, a test or the demo in code) before any session uses it; the
// server sessions then hold pointers into it, so it must outlive them and
// must not change while they run.
//
// lookup() turns a request-target into a file, doing what a static file
// server must do before touching its store:
//   * origin-form "/p?q" (RFC 9112 §3.2.1) and absolute-form
//     "http://h/p" (§3.2.2: a server MUST accept it) are taken, the query
//     dropped (a static file does not depend on it);
//   * %XX escapes are decoded (RFC 3986 §2.1) with addr/url.hpp's
//     percent_decode, into a bounded stack buffer (no allocation);
//   * a ".." segment after decoding is refused (no escape from the tree,
//     whatever a tool later maps the tree onto), as is a decoded NUL;
//   * a path ending in '/' names that directory's index.html, so
//     "/" → "/index.html".
// Media types follow the extension (IANA registrations; text/javascript per
// RFC 9239), application/octet-stream for anything unknown.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/addr/url.hpp>
#include <strata/core/bytes.hpp>
#include <strata/core/error.hpp>
#include <strata/core/result.hpp>

namespace strata::app {

/// One stored file. `body` stays valid while the tree lives and the file is
/// not replaced.
struct StaticFile {
    std::string_view path;         ///< decoded, as stored ("/index.html")
    std::string_view content_type; ///< "text/html", ...
    Bytes body;
};

/// The media type an extension implies (case-insensitive); octet-stream when
/// unknown or absent.
constexpr std::string_view content_type_for(std::string_view path) noexcept {
    const auto slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return "application/octet-stream";
    const std::string_view ext = name.substr(dot + 1);
    struct Entry {
        std::string_view ext, type;
    };
    constexpr std::array<Entry, 17> table{{
        {"html", "text/html"},
        {"htm", "text/html"},
        {"txt", "text/plain"},
        {"css", "text/css"},
        {"js", "text/javascript"}, // RFC 9239 §6
        {"mjs", "text/javascript"},
        {"json", "application/json"},
        {"xml", "application/xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"svg", "image/svg+xml"},
        {"ico", "image/vnd.microsoft.icon"},
        {"pdf", "application/pdf"},
        {"wasm", "application/wasm"},
        {"bin", "application/octet-stream"},
    }};
    for (const Entry& e : table)
        if (detail::url::iequals(ext, e.ext)) return e.type;
    return "application/octet-stream";
}

class FileTree {
    struct Stored {
        std::string content_type;
        std::vector<Byte> body;
    };
    // std::map: heterogeneous lookup by string_view (std::less<>) without
    // building a key, and nodes that never move, so the views handed out stay
    // valid while other files are added.
    std::map<std::string, Stored, std::less<>> files_;

    static StaticFile view(const std::pair<const std::string, Stored>& kv) noexcept {
        return {kv.first, kv.second.content_type, Bytes{kv.second.body}};
    }

public:
    /// Longest decoded path lookup() handles; longer targets are refused
    /// (Errc::limit_exceeded), which the server answers with 414.
    static constexpr std::size_t max_path = 2048;
    /// Longest media type add() accepts.
    static constexpr std::size_t max_content_type = 128;

    /// Stores (or replaces) a file. `path` is the decoded path, starting with
    /// '/', without ".." segments or NUL; an empty content_type means "from
    /// the extension". Errors {"http_app", "path", offset, ...}.
    Result<void> add(std::string_view path, std::vector<Byte> body,
                     std::string_view content_type = {}) {
        if (path.empty() || path.front() != '/')
            return Error{"http_app", "path", 0, Errc::bad_syntax};
        if (path.size() > max_path)
            return Error{"http_app", "path", 0, Errc::limit_exceeded, path.size(), max_path};
        if (auto bad = find_bad_segment(path); bad != std::string_view::npos)
            return Error{"http_app", "path", bad, Errc::bad_value};
        const std::string_view type = content_type.empty() ? content_type_for(path) : content_type;
        // It becomes a field value (RFC 9110 §5.5): visible text, bounded.
        if (type.size() > max_content_type)
            return Error{"http_app",           "content_type", 0,
                         Errc::limit_exceeded, type.size(),    max_content_type};
        for (std::size_t i = 0; i < type.size(); ++i) {
            const auto c = static_cast<unsigned char>(type[i]);
            if (c < 0x20 || c == 0x7f || ((i == 0 || i + 1 == type.size()) && c == ' '))
                return Error{"http_app", "content_type", i, Errc::bad_value, c};
        }
        auto& slot = files_[std::string(path)];
        slot.content_type.assign(type);
        slot.body = std::move(body);
        return {};
    }
    Result<void> add(std::string_view path, std::string_view text,
                     std::string_view content_type = {}) {
        const auto* p = reinterpret_cast<const Byte*>(text.data());
        return add(path, std::vector<Byte>(p, p + text.size()), content_type);
    }

    /// The file stored under exactly this decoded path, or not_found.
    [[nodiscard]] Result<StaticFile> find(std::string_view path) const noexcept {
        const auto it = files_.find(path);
        if (it == files_.end()) return Error{"http_app", "path", 0, Errc::not_found};
        return view(*it);
    }

    /// The file a request-target names (normalised as the top of this file
    /// says). Errors, all {"http_app", "target", offset in the target}:
    /// bad_syntax (not origin- or http absolute-form, or a bad %XX),
    /// bad_value (a ".." segment or NUL after decoding), limit_exceeded (path
    /// longer than max_path), not_found.
    [[nodiscard]] Result<StaticFile> lookup(std::string_view target) const noexcept {
        std::string_view path = target;
        std::size_t base = 0;
        if (path.empty() || path.front() != '/') {
            // absolute-form (RFC 9112 §3.2.2): the URL parser says where the
            // path is; only http URLs reach an origin server.
            auto url = Url::parse(target);
            if (!url || !url->is(UrlScheme::http))
                return Error{"http_app", "target", 0, Errc::bad_syntax};
            path = url->path.empty() ? std::string_view{"/"} : url->path;
            base =
                url->path.empty() ? 0 : static_cast<std::size_t>(url->path.data() - target.data());
        } else {
            path = path.substr(0, path.find_first_of("?#"));
        }
        std::array<char, max_path + 16> buf; // + room for "index.html"
        auto n = percent_decode(path, std::span<char>{buf.data(), max_path});
        if (!n) {
            if (n.error().code == Errc::buffer_too_small)
                return Error{"http_app",           "target",        base,
                             Errc::limit_exceeded, n.error().value, max_path};
            return Error{"http_app", "target", base + n.error().offset, Errc::bad_syntax};
        }
        std::string_view decoded{buf.data(), *n};
        if (auto bad = find_bad_segment(decoded); bad != std::string_view::npos)
            return Error{"http_app", "target", base, Errc::bad_value};
        if (decoded.back() == '/') {
            constexpr std::string_view index = "index.html";
            index.copy(buf.data() + *n, index.size());
            decoded = {buf.data(), *n + index.size()};
        }
        const auto it = files_.find(decoded);
        if (it == files_.end()) return Error{"http_app", "target", base, Errc::not_found};
        return view(*it);
    }

    [[nodiscard]] std::size_t size() const noexcept { return files_.size(); }
    [[nodiscard]] bool empty() const noexcept { return files_.empty(); }

    /// f(StaticFile) for every file, in path order.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& kv : files_)
            f(view(kv));
    }

private:
    /// Offset of the first ".." segment or NUL byte in a decoded path, or npos.
    static constexpr std::size_t find_bad_segment(std::string_view p) noexcept {
        if (const auto nul = p.find('\0'); nul != std::string_view::npos) return nul;
        std::size_t i = 0;
        while (i < p.size()) {
            std::size_t j = p.find('/', i);
            if (j == std::string_view::npos) j = p.size();
            if (p.substr(i, j - i) == "..") return i;
            i = j + 1;
        }
        return std::string_view::npos;
    }
};

} // namespace strata::app
