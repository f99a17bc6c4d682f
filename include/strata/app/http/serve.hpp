// serve_http(host, listen_fd, files): the web server of DESIGN.md §1 step 12
// on a strata Host's sockets. A coroutine accepts connections on a listening
// TCP descriptor and spawns one coroutine per connection, each driving a
// ServerSession: recv straight into the session's input buffer, send the
// head and then the file's bytes straight from the FileTree (no copy), close
// when the session says so.
//
// `Host` is any type with the host's socket calls (stack/host.hpp):
// co_await host.accept(fd) → SysResult<int>, co_await host.recv(fd, MutBytes)
// and co_await host.send(fd, Bytes) → SysResult<std::size_t> (0 from recv =
// the peer's FIN), host.shutdown(fd, how), host.close(fd), host.spawn(Task).
#pragma once

#include <cstddef>

#include <strata/app/http/file_tree.hpp>
#include <strata/app/http/server_session.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/socket/task.hpp>

namespace strata::app {

/// Serves one accepted connection until the session or the peer ends it,
/// then closes `fd`. `files` must outlive the coroutine.
template <class Host>
stack::Task<void> serve_http_connection(Host& host, int fd, const FileTree& files,
                                        ServerConfig cfg = {}) {
    ServerSession session{files, cfg};
    for (;;) {
        // Everything the session has, in order: head, then body.
        bool failed = false;
        for (auto out = session.output(); !out.empty(); out = session.output()) {
            const Bytes piece = out.head.empty() ? out.body : out.head;
            auto n = co_await host.send(fd, piece);
            if (!n) {
                failed = true; // EPIPE, ECONNRESET: nobody listens any more
                break;
            }
            session.advance(*n);
        }
        if (failed || session.should_close()) break;
        const MutBytes space = session.input_space();
        if (space.empty()) break; // unreachable with nothing queued; never spin
        auto n = co_await host.recv(fd, space);
        if (!n) break; // ECONNRESET, ETIMEDOUT
        if (*n == 0)
            session.peer_closed();
        else
            session.commit(*n);
    }
    // Closing with unread bytes would reset the connection (RFC 9293
    // §3.10.4 as Linux does it, RFC 2525 §2.17) and could destroy the last
    // response in flight: read away what has already arrived, without
    // waiting, then close (our FIN follows what is queued).
    for (;;) {
        const MutBytes space = session.input_space(); // the closing session drops it
        stack::SysResult<std::size_t> n = host.recv(fd, space);
        if (!n || *n == 0) break;
        session.commit(*n);
    }
    (void)host.close(fd);
}

/// Accepts connections on `listen_fd` (bound and listening) for ever, one
/// serve_http_connection coroutine each. Ends when accept fails (the
/// listener was closed).
template <class Host>
stack::Task<void> serve_http(Host& host, int listen_fd, const FileTree& files,
                             ServerConfig cfg = {}) {
    for (;;) {
        auto conn = co_await host.accept(listen_fd);
        if (!conn) co_return;
        host.spawn(serve_http_connection(host, *conn, files, cfg));
    }
}

} // namespace strata::app
