// The TCP engine of one host (RFC 9293): the socket table (listeners and
// connections behind ConnId handles), 4-tuple demultiplexing, LISTEN
// processing with a SYN queue, an accept queue and SYN cookies (RFC 4987
// §3.6) when the SYN queue overflows, resets for closed ports (§3.10.7.1),
// ephemeral ports, ICMP errors, and the poll()/poll_at() loop that runs
// timers and output. The engine never sees IP: the host hands it
// (src, dst, TcpView) and gives it a SegmentSink to transmit through.
//
// Socket calls never transmit: they change state and make poll_at() return
// the last `now` the engine saw; the host's next poll() sends.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <strata/core/random.hpp>
#include <strata/stack/endpoint.hpp>
#include <strata/stack/errno.hpp>
#include <strata/stack/tcp/congestion/new_reno.hpp>
#include <strata/stack/tcp/cookie_open.hpp>
#include <strata/stack/tcp/icmp_input.hpp>
#include <strata/stack/tcp/input.hpp>
#include <strata/stack/tcp/isn.hpp>
#include <strata/stack/tcp/output.hpp>
#include <strata/stack/tcp/readiness.hpp>
#include <strata/stack/tcp/socket_table.hpp>
#include <strata/stack/tcp/syn_cookie.hpp>
#include <strata/stack/tcp/timers.hpp>
#include <strata/stack/tcp/work_queue.hpp>

namespace strata::stack::tcp {

template <CongestionControl CC = NewReno>
class Engine {
public:
    using Connection = Tcb<CC>;

    Engine(const TcpConfig& c, RandomStream rng)
        : cfgp_(std::make_unique<const TcpConfig>(c)), rng_(rng), isn_(rng_), cookies_(rng_),
          table_(c.max_connections) {}

    // --- socket side ------------------------------------------------------------

    /// Passive open (RFC 9293 §3.10.1). `local.addr` 0 listens on every address.
    SysResult<ConnId> listen(Endpoint local, int backlog) {
        if (local.port.value() == 0) return Errno::einval;
        for (ConnId l : table_.listeners())
            if (auto* li = lst(l); li && li->local.port == local.port &&
                                   (li->local.addr == local.addr || li->local.addr.value() == 0 ||
                                    local.addr.value() == 0))
                return Errno::eaddrinuse;
        const auto id = alloc();
        if (!id) return Errno::emfile;
        table_.make_listener(*id, local, static_cast<std::size_t>(std::max(backlog, 1)));
        return *id;
    }

    /// Active open (RFC 9293 §3.10.1): SYN-SENT; the SYN leaves at the next poll().
    /// `local.addr` is the source address the host chose; port 0 = ephemeral.
    SysResult<ConnId> connect(Endpoint local, Endpoint remote, Instant now) {
        if (remote.port.value() == 0 || remote.addr.value() == 0) return Errno::einval;
        FourTuple tu{local, remote};
        if (local.port.value() == 0) {
            // Ephemeral port (RFC 6056 §3.3.1 "simple hash-less"): a random
            // start in Linux's range, then the next free one.
            const std::uint32_t first = cfgp_->ephemeral_first, last = cfgp_->ephemeral_last;
            const std::uint32_t n = last - first + 1;
            const auto start = static_cast<std::uint32_t>(rng_.below(n));
            bool found = false;
            for (std::uint32_t i = 0; i < n && !found; ++i) {
                tu.local.port = Port{static_cast<std::uint16_t>(first + (start + i) % n)};
                found = !table_.contains(tu) && !table_.listening_on(tu.local.port);
            }
            if (!found) return Errno::eaddrnotavail;
        } else if (table_.contains(tu)) {
            return Errno::eaddrinuse;
        }
        const auto id = alloc();
        if (!id) return Errno::emfile;
        auto& t = make_tcb(*id, tu, now);
        t.state = State::syn_sent;
        t.user_owned = true;
        t.rcv_wscale = cfgp_->window_scaling ? cfgp_->window_scale() : 0;
        ++ctr_.active_opens;
        mark(t);
        return *id;
    }

    /// EAGAIN when no connection is ready; the new handle carries the 4-tuple.
    SysResult<ConnId> accept(ConnId listener) {
        Listener* l = lst(listener);
        if (!l) return conn(listener) ? Errno::einval : Errno::ebadf;
        if (l->accept_q.empty()) return Errno::eagain;
        const ConnId id = l->accept_q.front();
        l->accept_q.erase(l->accept_q.begin());
        Connection& t = *conn(id);
        t.in_accept_queue = false;
        t.user_owned = true;
        return id;
    }

    SysResult<std::size_t> send(ConnId id, Bytes data) {
        Connection* t = conn(id);
        if (!t) return lst(id) ? Errno::enotconn : Errno::ebadf;
        // Linux tcp_sendmsg -> sk_stream_error: the pending error once, then EPIPE.
        if (t->pending_error() != Errno::ok) return t->take_error();
        if (t->error != Errno::ok || t->fin_queued) return Errno::epipe;
        switch (t->state) {
        case State::syn_sent: // RFC 9293 §3.10.2: queued until established
        case State::syn_received:
        case State::established:
        case State::close_wait:
            break;
        case State::closed:
            return Errno::enotconn;
        default:
            return Errno::epipe;
        }
        const std::size_t n = t->sndbuf.write(data);
        if (n == 0 && !data.empty()) return Errno::eagain;
        mark(*t);
        return n;
    }

    /// send() whose bytes are urgent (RFC 9293 §3.8.5, MSG_OOB): they go
    /// in the stream, and segments before their end carry URG and an urgent
    /// pointer to the octet after them (MUST-31) until they are acknowledged.
    SysResult<std::size_t> send_urgent(ConnId id, Bytes data) {
        auto n = send(id, data);
        if (n && *n != 0) {
            Connection& t = *conn(id);
            t.snd_up = t.data_end();
            t.urg_mode = true;
        }
        return n;
    }

    /// Urgent bytes (inline, RFC 6093) from the next byte recv() returns up
    /// to and including the last urgent one; 0 when none is pending (MUST-33).
    [[nodiscard]] std::size_t urgent_remaining(ConnId id) const noexcept {
        const Connection* t = conn(id);
        return t ? t->urgent_remaining() : 0;
    }

    /// 0 = orderly end of stream (the peer's FIN).
    SysResult<std::size_t> recv(ConnId id, MutBytes out) {
        Connection* t = conn(id);
        if (!t) return lst(id) ? Errno::enotconn : Errno::ebadf;
        if (t->rcvbuf.readable() != 0 && !t->shut_rd) {
            const std::size_t n = t->rcvbuf.read(out);
            window_update(*t);
            return n;
        }
        // Linux tcp_recvmsg: end of stream (SOCK_DONE) first, then the
        // pending error once (sock_error), then 0 as the reset shut both
        // directions (tcp_done: sk_shutdown = SHUTDOWN_MASK).
        if (t->fin_received || t->shut_rd) return std::size_t{0};
        if (t->pending_error() != Errno::ok) return t->take_error();
        if (t->error != Errno::ok) return std::size_t{0};
        switch (t->state) {
        case State::syn_sent:
        case State::syn_received:
        case State::established:
        case State::fin_wait_1:
        case State::fin_wait_2:
            return Errno::eagain;
        default:
            return Errno::enotconn;
        }
    }

    SysStatus shutdown(ConnId id, Shutdown how) {
        Connection* t = conn(id);
        if (!t) return lst(id) ? Errno::enotconn : Errno::ebadf;
        if (t->state == State::closed || t->state == State::syn_sent) return Errno::enotconn;
        if (how != Shutdown::write) {
            t->shut_rd = true;
            std::array<Byte, 512> sink{};
            while (t->rcvbuf.read(sink) != 0) {
            }
            window_update(*t);
        }
        if (how != Shutdown::read) queue_fin(*t);
        return Done{};
    }

    /// The handle is invalid afterwards. The connection finishes alone (FIN,
    /// TIME-WAIT), or is reset when data was left unread (RFC 9293 §3.10.4,
    /// RFC 2525 §2.17, Linux).
    SysStatus close(ConnId id) {
        if (Listener* l = lst(id)) {
            // Connections not yet accepted die with the listener (Linux
            // inet_csk_listen_stop resets them).
            for (std::size_t i = 0; i < table_.used_end(); ++i)
                if (Connection* c = table_.conn_at(i); c && c->listener == id && !c->user_owned) {
                    c->send_rst = c->state != State::closed;
                    c->abort_with(Errno::ok);
                    c->in_syn_queue = c->in_accept_queue = false;
                    c->listener = no_conn;
                }
            (void)l;
            table_.release(id);
            work_.mark_all();
            return Done{};
        }
        Connection* t = conn(id);
        if (!t) return Errno::ebadf;
        t->user_owned = false;
        switch (t->state) {
        case State::syn_sent:
            t->abort_with(Errno::ok);
            break;
        case State::syn_received:
        case State::established:
        case State::close_wait:
        case State::fin_wait_1:
        case State::fin_wait_2:
            if (t->rcvbuf.readable() != 0) {
                t->send_rst = true;
                t->abort_with(Errno::ok);
            } else {
                queue_fin(*t);
                if (t->state == State::fin_wait_2)
                    t->timewait_at = last_now_ + cfgp_->fin_wait_2_timeout;
            }
            break;
        default:
            break;
        }
        mark(*t);
        reap(id);
        return Done{};
    }

    /// SO_LINGER 0: RST now, the handle is invalid afterwards.
    SysStatus abort(ConnId id) {
        Connection* t = conn(id);
        if (!t) return lst(id) ? close(id) : Errno::ebadf;
        t->user_owned = false;
        if (t->state != State::closed && t->state != State::syn_sent &&
            t->state != State::time_wait)
            t->send_rst = true;
        t->abort_with(Errno::econnaborted);
        mark(*t);
        reap(id);
        return Done{};
    }

    [[nodiscard]] Readiness readiness(ConnId id) const noexcept {
        Readiness r;
        if (const Listener* l = lst(id)) {
            r.acceptable = !l->accept_q.empty();
            return r;
        }
        const Connection* t = conn(id);
        if (!t) {
            r.error = Errno::ebadf;
            r.hangup = true;
            return r;
        }
        r.error = t->pending_error(); // POLLERR until reported (Linux sk_err)
        r.readable =
            t->rcvbuf.readable() != 0 || t->fin_received || t->error != Errno::ok || t->shut_rd;
        const bool sending = t->state == State::established || t->state == State::close_wait;
        r.writable = (sending && !t->fin_queued && t->sndbuf.free() != 0) || t->error != Errno::ok;
        r.hangup = t->state == State::closed || (t->fin_received && t->fin_queued);
        r.urgent = t->urgent_remaining() != 0;
        return r;
    }

    /// SO_ERROR: the pending error, reported once (Linux sock_error); a
    /// later recv() then returns 0 and send() EPIPE.
    Errno take_error(ConnId id) noexcept {
        Connection* t = conn(id);
        return t ? t->take_error() : Errno::ok;
    }

    [[nodiscard]] State state(ConnId id) const noexcept {
        if (lst(id)) return State::listen;
        const Connection* t = conn(id);
        return t ? t->state : State::closed;
    }
    [[nodiscard]] std::optional<FourTuple> tuple(ConnId id) const noexcept {
        if (const Listener* l = lst(id)) return FourTuple{l->local, {}};
        if (const Connection* t = conn(id)) return t->tuple;
        return std::nullopt;
    }
    SysStatus set_nodelay(ConnId id, bool on) {
        Connection* t = conn(id);
        if (!t) return Errno::ebadf;
        t->nodelay = on;
        mark(*t); // TCP_NODELAY pushes what Nagle held back (Linux)
        return Done{};
    }
    SysStatus set_keepalive(ConnId id, bool on) {
        Connection* t = conn(id);
        if (!t) return Errno::ebadf;
        t->keepalive = on;
        t->keepalive_sent = 0;
        t->keepalive_at =
            on && t->synchronized() ? last_now_ + cfgp_->keepalive_timing.idle : never;
        mark(*t);
        return Done{};
    }

    /// f(ConnId, const FourTuple&, State) for every socket, listeners first:
    /// the socket table (netstat -tan). Orphans (closed by the user, still
    /// finishing, e.g. TIME-WAIT) are included.
    template <class F>
    void for_each(F&& f) const {
        for (ConnId l : table_.listeners())
            if (const Listener* li = lst(l)) f(l, FourTuple{li->local, {}}, State::listen);
        for (std::size_t i = 0; i < table_.used_end(); ++i)
            if (const Connection* t = table_.conn_at(i); t && t->state != State::closed)
                f(table_.id_at(i), t->tuple, t->state);
    }

    /// The connection block, for inspection (tests, tracing); nullptr if none.
    [[nodiscard]] const Connection* connection(ConnId id) const noexcept { return conn(id); }

    // --- stack side ----------------------------------------------------------------

    /// An arriving segment; the host has verified the checksum.
    template <SegmentSink Tx>
    void receive(Ipv4Address src, Ipv4Address dst, TcpView<const Byte> seg, Instant now, Tx& tx) {
        last_now_ = std::max(last_now_, now);
        ++ctr_.segments_in;
        const auto parsed = TcpRepr::parse(seg);
        if (!parsed) {
            ++ctr_.bad_segments;
            return;
        }
        const Segment s{*parsed, seg.payload()};
        const FourTuple tu{{dst, s.h.dst_port}, {src, s.h.src_port}};
        if (const ConnId id = table_.find(tu); id != no_conn) {
            Connection& t = *conn(id);
            if (time_wait_reusable(t, s)) {
                if (const ConnId l = table_.find_listener(tu.local); l != no_conn) {
                    // A new incarnation (RFC 6191): TIME-WAIT ends, the
                    // listener takes the SYN (Linux TCP_TW_SYN).
                    ++ctr_.time_wait_reused;
                    tw_isn_ = time_wait_isn(t);
                    t.abort_with(Errno::ok);
                    reap(id);
                    listen_arrives(l, tu, s, now, tx);
                    tw_isn_.reset();
                    return;
                }
            }
            if (t.in_syn_queue && s.h.flags.ack() && !s.h.flags.syn() && !s.h.flags.rst()) {
                const Listener* l = lst(t.listener);
                if (l && l->accept_q.size() >= l->backlog) {
                    // Linux tcp_check_req: the ACK is dropped while the accept
                    // queue is full; the SYN-ACK retransmission retries.
                    ++ctr_.listen_overflows;
                    return;
                }
            }
            if (segment_arrives(t, s, now, ctr_) == Reply::reset)
                send_reset_for(tu, s.h, s.len(), tx, ctr_);
            run(id, t, now, tx);
            return;
        }
        if (const ConnId l = table_.find_listener(tu.local); l != no_conn) {
            listen_arrives(l, tu, s, now, tx);
            return;
        }
        ++ctr_.no_socket;
        send_reset_for(tu, s.h, s.len(), tx, ctr_);
    }

    /// An ICMP error about a connection (RFC 1122 §4.2.3.9, RFC 5927, RFC 1191).
    template <SegmentSink Tx>
    void icmp_error(const FourTuple& tu, IcmpReport r, Instant now, Tx& tx) {
        last_now_ = std::max(last_now_, now);
        const ConnId id = table_.find(tu);
        if (id == no_conn) return;
        Connection& t = *conn(id);
        if (icmp_arrives(t, r, static_cast<std::uint32_t>(tx.path_mtu(tu.remote.addr)), ctr_))
            run(id, t, now, tx);
    }

    /// Runs due timers and sends everything pending.
    template <SegmentSink Tx>
    void poll(Instant now, Tx& tx) {
        last_now_ = std::max(last_now_, now);
        work_.drain(now, table_, [&](ConnId id, Connection& t) {
            if (t.next_timer() <= now) on_timers(t, now, ctr_);
            run(id, t, now, tx);
        });
    }

    /// When poll() has something to do: a timer, or at once (the last
    /// `now` seen) when a socket call left output pending.
    [[nodiscard]] Instant poll_at() const noexcept { return work_.next(table_, last_now_); }

    [[nodiscard]] const TcpCounters& counters() const noexcept { return ctr_; }
    [[nodiscard]] const TcpConfig& config() const noexcept { return *cfgp_; }

private:
    Connection* conn(ConnId id) noexcept { return table_.conn(id); }
    const Connection* conn(ConnId id) const noexcept { return table_.conn(id); }
    Listener* lst(ConnId id) noexcept { return table_.lst(id); }
    const Listener* lst(ConnId id) const noexcept { return table_.lst(id); }
    std::optional<ConnId> alloc() noexcept { return table_.alloc(); }

    Connection& make_tcb(ConnId id, const FourTuple& tu, Instant now) {
        Connection& t = table_.make_conn(id, *cfgp_, tu);
        t.self = id;
        t.iss = tw_isn_ ? *tw_isn_ : isn_.isn(tu, now); // RFC 6528, RFC 6191
        t.snd_una = t.snd_nxt = t.snd_max = t.recover = t.snd_sml = t.iss;
        t.ts_offset = isn_.ts_offset(tu);
        t.ts_recent_at = now;
        return t;
    }

    template <class Tx>
    std::uint16_t mss_for(const FourTuple& tu, Tx& tx) const {
        const auto mtu = static_cast<std::uint32_t>(tx.path_mtu(tu.remote.addr));
        return static_cast<std::uint16_t>(std::clamp<std::uint32_t>(mtu, 68, 65535) - 40);
    }

    /// RFC 9293 §3.10.7.2 (LISTEN), with the SYN queue, the accept queue and
    /// SYN cookies.
    template <SegmentSink Tx>
    void listen_arrives(ConnId lid, const FourTuple& tu, const Segment& s, Instant now, Tx& tx) {
        Listener& l = *lst(lid);
        const TcpRepr& h = s.h;
        if (h.flags.rst()) return;
        if (h.flags.ack()) {
            if (!h.flags.syn() && cookies_active(now)) {
                if (const auto m = cookies_.check(tu, h.ack_number - 1, now)) {
                    cookie_connection(lid, l, tu, s, *m, now, tx);
                    return;
                }
                ++ctr_.syn_cookies_failed;
            }
            send_reset_for(tu, h, s.len(), tx, ctr_);
            return;
        }
        if (!h.flags.syn()) return;
        if (l.accept_q.size() >= l.backlog) {
            ++ctr_.listen_overflows; // Linux drops the SYN; the peer retries
            return;
        }
        if (l.syn_queue >= l.backlog) {
            // RFC 4987 §3.6: no state; the ISN encodes the MSS; with
            // timestamps, WS and SACK ride in our TSval (Linux).
            const auto clock =
                static_cast<std::uint32_t>(ns_since_start(now) / 1'000'000) + isn_.ts_offset(tu);
            const TcpRepr r = cookie_syn_ack(
                *cfgp_, tu, h, cookies_.make(tu, h.mss.value_or(536), now), mss_for(tu, tx), clock);
            last_cookie_ = now;
            cookies_sent_ = true;
            ++ctr_.syn_cookies_sent;
            if (tx.send_segment(tu, r, Bytes{}, Bytes{}))
                ++ctr_.segments_out;
            else
                ++ctr_.send_failed;
            return;
        }
        const auto id = alloc();
        if (!id) return;
        Connection& t = make_tcb(*id, tu, now);
        t.state = State::syn_received;
        t.passive = true;
        t.listener = lid;
        t.in_syn_queue = true;
        ++l.syn_queue;
        t.our_mss = mss_for(tu, tx);
        t.irs = h.seq_number;
        t.rcv_nxt = t.irs + 1;
        t.last_ack_sent = t.rcv_nxt;
        detail::negotiate(t, h);
        ++ctr_.passive_opens;
        run(*id, t, now, tx);
    }

    bool cookies_active(Instant now) const noexcept {
        // Linux checks cookies only after a recent SYN queue overflow.
        return cookies_sent_ && now - last_cookie_ < std::chrono::seconds{128};
    }

    template <SegmentSink Tx>
    void cookie_connection(ConnId lid, Listener& l, const FourTuple& tu, const Segment& s,
                           std::uint16_t m, Instant now, Tx& tx) {
        if (l.accept_q.size() >= l.backlog) {
            ++ctr_.listen_overflows;
            return;
        }
        const auto id = alloc();
        if (!id) return;
        ++ctr_.syn_cookies_ok;
        ++ctr_.passive_opens;
        Connection& t = make_tcb(*id, tu, now);
        cookie_established(t, s, m, mss_for(tu, tx), now);
        t.listener = lid;
        t.in_accept_queue = true;
        l.accept_q.push_back(*id);
        (void)segment_arrives(t, s, now, ctr_); // data or FIN on the ACK
        run(*id, t, now, tx);
    }

    void queue_fin(Connection& t) noexcept {
        if (t.fin_queued) return;
        switch (t.state) {
        case State::syn_received:
        case State::established:
        case State::close_wait:
            t.fin_queued = true;
            t.fin_seq = t.data_end();
            if (t.state == State::established) t.state = State::fin_wait_1;
            if (t.state == State::close_wait) t.state = State::last_ack;
            mark(t);
            break;
        default:
            break;
        }
    }

    void window_update(Connection& t) noexcept {
        if (window_update_due(t)) {
            t.ack_now = true;
            mark(t);
        }
    }

    void mark(Connection& t) { work_.mark(t); }

    /// After input, a timer or an ICMP error: challenge ACK limit, output,
    /// queue moves, freeing.
    template <SegmentSink Tx>
    void run(ConnId id, Connection& t, Instant now, Tx& tx) {
        if (t.challenge_ack) {
            // RFC 5961 §7: a global limit per second.
            t.challenge_ack = false;
            if (now - challenge_window_ >= std::chrono::seconds{1}) {
                challenge_window_ = now;
                challenge_count_ = 0;
            }
            if (challenge_count_ < cfgp_->challenge_ack_limit) {
                ++challenge_count_;
                ++ctr_.challenge_acks;
                t.ack_now = true;
            } else {
                ++ctr_.challenge_acks_limited;
            }
        }
        output(t, now, tx, ctr_);
        work_.schedule(id, t);
        reap(id);
    }

    void reap(ConnId id) {
        Connection* t = conn(id);
        if (!t) return;
        if (t->in_syn_queue && t->state != State::syn_received) {
            t->in_syn_queue = false;
            Listener* l = lst(t->listener);
            if (l) --l->syn_queue;
            if (l && t->state != State::closed) {
                t->in_accept_queue = true;
                l->accept_q.push_back(id);
            }
        }
        if (t->state != State::closed || t->send_rst) return;
        table_.unmap(t->tuple, id);
        if (t->in_accept_queue) {
            if (Listener* l = lst(t->listener)) std::erase(l->accept_q, id);
            t->in_accept_queue = false;
        }
        if (!t->user_owned) table_.release(id);
    }

    // The blocks point at the configuration: it lives on the heap so that the
    // engine stays movable.
    std::unique_ptr<const TcpConfig> cfgp_;
    RandomStream rng_;
    IsnGenerator isn_;
    SynCookies cookies_;
    SocketTable<CC> table_;
    TcpCounters ctr_{};
    Instant last_now_{};
    WorkQueue work_;
    Instant challenge_window_{};
    std::uint32_t challenge_count_ = 0;
    Instant last_cookie_{};
    bool cookies_sent_ = false;
    std::optional<SeqNum> tw_isn_{}; ///< ISS for a SYN recycling TIME-WAIT
};

} // namespace strata::stack::tcp
