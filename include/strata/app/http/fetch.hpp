// fetch(host, url, sink): the browser's GET of DESIGN.md §1 step 1 on a
// strata Host's sockets. A coroutine: socket → connect → send the request →
// recv until the response is complete (or the server closes) → close,
// driving a FetchSession; the content goes to `sink(Bytes)` as it arrives.
//
// The URL's host must be an IPv4 literal for now: a name needs the resolver
// (DNS, DESIGN.md §1 step 2), which is not written yet
// ({"http_app", "host", unsupported}).
//
// `Host` is any type with the host's socket calls (stack/host.hpp):
// host.socket(SocketKind::tcp), co_await host.connect(fd, Endpoint),
// co_await host.send / host.recv, host.close(fd).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <strata/app/http/fetch_session.hpp>
#include <strata/core/port.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/socket/socket_table.hpp>
#include <strata/stack/socket/task.hpp>

namespace strata::app {

/// What fetch() brings back: FetchResult's values, with the strings copied
/// (the session lived in the coroutine's frame).
struct FetchReply {
    http::Status status = http::Status::ok;
    http::Version version = http::http11;
    std::string reason;
    std::string content_type;
    std::optional<std::uint64_t> content_length;
    http::BodyKind framing = http::BodyKind::none;
    std::uint64_t body_bytes = 0;
    std::uint64_t head_bytes = 0;
};

/// A socket error as a strata Error: {"socket", "ECONNREFUSED", 0, bad_value, errno}.
inline Error socket_error(stack::Errno e) noexcept {
    return Error{"socket", stack::name(e), 0, Errc::bad_value,
                 static_cast<std::uint64_t>(static_cast<int>(e))};
}

/// GETs `url` from `host`, handing the content to sink(Bytes). The sink and
/// the URL text are only used while the coroutine runs.
template <class Host, class Sink>
stack::Task<Result<FetchReply>> fetch(Host& host, std::string_view url, Sink sink,
                                      FetchOptions opt = {}) {
    opt.keep_alive = false; // one exchange per connection here
    auto made = FetchSession::make(url, opt);
    if (!made) co_return made.error();
    FetchSession& session = *made;
    if (session.url().host_kind != HostKind::ipv4)
        co_return Error{"http_app", "host", 0, Errc::unsupported};
    auto fd = host.socket(stack::SocketKind::tcp, "fetch");
    if (!fd) co_return socket_error(fd.error());
    Result<FetchReply> outcome = FetchReply{};
    auto fail = [&](Error e) { outcome = e; };

    const stack::Endpoint server{session.url().ipv4, Port{session.port()}};
    if (auto c = co_await host.connect(*fd, server); !c) {
        fail(socket_error(c.error()));
    } else {
        Bytes req = session.request();
        while (!req.empty()) {
            auto n = co_await host.send(*fd, req);
            if (!n) {
                fail(socket_error(n.error()));
                break;
            }
            req = req.subspan(*n);
        }
        std::vector<Byte> buf(16 * 1024); // once per fetch, not per segment
        while (outcome && req.empty()) {
            auto n = co_await host.recv(*fd, MutBytes{buf});
            if (!n) {
                fail(socket_error(n.error()));
                break;
            }
            if (*n == 0) { // the server closed
                if (auto f = session.finish(); !f) fail(f.error());
                break;
            }
            auto r = session.feed(Bytes{buf.data(), *n}, sink);
            if (!r) {
                fail(r.error());
                break;
            }
            if (*r) break;
        }
    }
    (void)host.close(*fd);
    if (!outcome) co_return outcome;
    const FetchResult& res = session.result();
    FetchReply reply;
    reply.status = res.status;
    reply.version = res.version;
    reply.reason.assign(res.reason);
    reply.content_type.assign(res.content_type);
    reply.content_length = res.content_length;
    reply.framing = res.framing;
    reply.body_bytes = res.body_bytes;
    reply.head_bytes = res.head_bytes;
    co_return reply;
}

} // namespace strata::app
