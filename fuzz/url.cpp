// URL parsing (RFC 3986) as used for HTTP request targets, origin-form and
// percent-decoding. Input: the URL text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <strata/addr/url.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    auto u = Url::parse(text);
    if (!u) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(u.error()));
        STRATA_FUZZ_CHECK(u.error().offset <= size);
    } else {
        // Every component is a view into the text.
        for (std::string_view c : {u->scheme, u->authority, u->userinfo, u->user, u->password,
                                   u->host, u->path, u->query, u->fragment})
            STRATA_FUZZ_CHECK(fuzz::within(c, text));
        STRATA_FUZZ_CHECK(!u->scheme.empty());
        STRATA_FUZZ_CHECK(u->is(u->scheme_id));
        STRATA_FUZZ_CHECK(u->port_explicit || u->port == default_port(u->scheme_id));
        if (!u->has_authority) STRATA_FUZZ_CHECK(u->host.empty() && u->authority.empty());
        if (!u->has_query) STRATA_FUZZ_CHECK(u->query.empty());
        if (!u->has_fragment) STRATA_FUZZ_CHECK(u->fragment.empty());
        fuzz::keep(u->ipv4);
        fuzz::keep(u->host_kind);

        // origin-form: exact length, refuses a short buffer.
        const std::size_t n = u->origin_form_len();
        std::vector<char> out(n);
        auto w = u->origin_form(std::span<char>{out.data(), out.size()});
        STRATA_FUZZ_CHECK(w.has_value() && *w == n);
        STRATA_FUZZ_CHECK(out[0] == '/' || !u->path.empty());
        std::vector<char> small(n - 1);
        STRATA_FUZZ_CHECK(!u->origin_form(std::span<char>{small.data(), small.size()}));
        STRATA_FUZZ_CHECK(u->origin_form() == std::string(out.begin(), out.end()));
        // A parsed URL's text reparses to the same components.
        auto again = Url::parse(text);
        STRATA_FUZZ_CHECK(again.has_value() && again->path == u->path && again->host == u->host &&
                          again->port == u->port);
    }

    // percent_decode never grows the text and agrees with its sized form.
    auto d = percent_decode(text);
    std::vector<char> buf(size);
    auto k = percent_decode(text, std::span<char>{buf.data(), buf.size()});
    STRATA_FUZZ_CHECK(d.has_value() == k.has_value());
    if (d) {
        STRATA_FUZZ_CHECK(d->size() == *k && d->size() <= size);
        STRATA_FUZZ_CHECK(std::string_view(buf.data(), *k) == *d);
        if (*k != 0) {
            std::vector<char> small(*k - 1);
            auto s = percent_decode(text, std::span<char>{small.data(), small.size()});
            STRATA_FUZZ_CHECK(!s && s.error().code == Errc::buffer_too_small);
        }
    } else {
        STRATA_FUZZ_CHECK(d.error().offset < size);
    }
    return 0;
}
