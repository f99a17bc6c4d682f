// lwIP 2.1.3 as Debian ships it (liblwip-dev: the GNU Hurd "unix" port,
// NO_SYS=0, LWIP_TCPIP_CORE_LOCKING=1, sys_now() on the system clock, see
// /usr/include/lwip/lwipopts.h) driven in this process:
//
//   - tcpip_init() starts lwIP's tcpip thread, which runs lwIP's timers
//     (TCP fast/slow timers every 250 ms, ARP) on real time. Our thread
//     calls the raw TCP API and netif input under LOCK_TCPIP_CORE() — the
//     lock the Debian build exports as sys_lock_tcpip_core() — and releases
//     it between batches so the timers run. lwIP keeps all its state in
//     globals: one lwIP per process, so "two lwIP endpoints" are two netifs
//     of that one lwIP (each TCP pcb is bound to its netif with
//     tcp_bind_netif, so nothing takes the loopback shortcut).
//   - A netif's linkoutput copies the frame into a FrameQueue (a fixed ring,
//     no allocation per frame); the driver moves frames from one netif's
//     queue into the other netif's input (a PBUF_RAM pbuf, as a driver does).
//   - Debian's library is inconsistent about PBUF_POOL: memp's pool element
//     holds 592 bytes of payload (TCP_MSS 536's size) while pbuf_alloc()
//     believes PBUF_POOL_BUFSIZE is 1536 and hands out one pbuf of 1514 bytes
//     in a 616-byte block (valgrind: "invalid write ... 0 bytes after a block
//     of size 616" in pbuf_take; lwIP then asserts "tcp_input: active
//     pcb->state != CLOSED"). So input frames use PBUF_RAM, never PBUF_POOL.
//
// tcp_bulk/lwip: 1 GiB from netif a's pcb to netif b's pcb over that link,
// lwIP's defaults from lwipopts.h (MSS 1460, TCP_WND 65535, send buffer
// 65535, window scale 1). The link is the cheapest possible (a ring buffer,
// no simulator), which favours lwIP over tcp_bulk/strata's sim::Network.
//
// LwipNode: one more netif of the same lwIP as a strata Node, so a sim::Network
// can join it to a strata Host (tcp_interop/* in tcp_bulk.cpp). The network
// must be paced to wall time, since lwIP's clock cannot be virtualised.
#pragma once

extern "C" {
#include <lwip/etharp.h>
#include <lwip/init.h>
#include <lwip/ip4_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <netif/ethernet.h>
}

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <strata/core/bytes.hpp>
#include <strata/core/time.hpp>
#include <strata/node/drop.hpp>
#include <strata/node/port.hpp>

namespace strata_bench_lwip {

/// Byte i of an interop stream: period 251 (prime), so an offset error shows.
inline std::uint8_t pattern(std::size_t i) noexcept {
    return static_cast<std::uint8_t>((i * 13 + i / 251) % 251);
}

/// Holds lwIP's core lock (sys_lock_tcpip_core) for a scope.
class CoreLock {
public:
    CoreLock() { LOCK_TCPIP_CORE(); }
    ~CoreLock() { UNLOCK_TCPIP_CORE(); }
    CoreLock(const CoreLock&) = delete;
    CoreLock& operator=(const CoreLock&) = delete;
};

/// Starts lwIP's tcpip thread once per process and waits until it runs.
inline void start_lwip() {
    static const bool started = [] {
        static std::atomic<bool> up{false};
        tcpip_init([](void*) { up.store(true); }, nullptr);
        while (!up.load())
            std::this_thread::yield();
        return true;
    }();
    (void)started;
}

/// Frames a netif sent and nobody took yet: a fixed ring of Ethernet frames.
class FrameQueue {
public:
    static constexpr std::size_t frame_max = 1514;
    explicit FrameQueue(std::size_t slots) : data_(slots * frame_max), len_(slots) {}

    bool push(const pbuf* p) {
        if (count_ == len_.size() || p->tot_len > frame_max) {
            ++dropped_;
            return false;
        }
        const std::size_t i = (head_ + count_) % len_.size();
        len_[i] = pbuf_copy_partial(p, &data_[i * frame_max], p->tot_len, 0);
        ++count_;
        ++pushed_;
        return true;
    }
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] strata::Bytes front() const noexcept {
        return {reinterpret_cast<const strata::Byte*>(&data_[head_ * frame_max]), len_[head_]};
    }
    void pop() noexcept {
        head_ = (head_ + 1) % len_.size();
        --count_;
    }
    [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_; }
    [[nodiscard]] std::uint64_t pushed() const noexcept { return pushed_; }

private:
    std::vector<unsigned char> data_;
    std::vector<std::uint16_t> len_;
    std::size_t head_ = 0, count_ = 0;
    std::uint64_t dropped_ = 0, pushed_ = 0;
};

/// A netif whose linkoutput fills a FrameQueue. Call under the core lock.
class QueueNetif {
public:
    QueueNetif(const char name[2], std::uint8_t mac_last, ip4_addr_t addr, std::size_t slots)
        : queue_(slots), mac_last_(mac_last) {
        ip4_addr_t mask, gw;
        IP4_ADDR(&mask, 255, 255, 255, 0);
        IP4_ADDR(&gw, 0, 0, 0, 0);
        name_[0] = name[0];
        name_[1] = name[1];
        netif_add(&netif_, &addr, &mask, &gw, this, &QueueNetif::init, ethernet_input);
        netif_set_up(&netif_);
        netif_set_link_up(&netif_);
    }
    ~QueueNetif() { netif_remove(&netif_); }
    QueueNetif(const QueueNetif&) = delete;
    QueueNetif& operator=(const QueueNetif&) = delete;

    netif* get() noexcept { return &netif_; }
    FrameQueue& queue() noexcept { return queue_; }

    /// Hands one frame to lwIP's Ethernet input (copied into a PBUF_RAM
    /// pbuf: see the file comment on PBUF_POOL).
    bool input(strata::Bytes frame) {
        pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(frame.size()), PBUF_RAM);
        if (p == nullptr) return false;
        pbuf_take(p, frame.data(), static_cast<u16_t>(frame.size()));
        if (netif_.input(p, &netif_) != ERR_OK) {
            pbuf_free(p);
            return false;
        }
        return true;
    }

private:
    static err_t init(netif* n) {
        auto* self = static_cast<QueueNetif*>(n->state);
        n->hwaddr_len = 6;
        const std::array<u8_t, 6> mac{0x02, 0x1e, 0, 0, 0, self->mac_last_};
        std::memcpy(n->hwaddr, mac.data(), mac.size());
        n->mtu = 1500;
        n->flags =
            NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
        n->output = etharp_output;
        n->linkoutput = &QueueNetif::link_output;
        n->name[0] = self->name_[0];
        n->name[1] = self->name_[1];
        return ERR_OK;
    }
    static err_t link_output(netif* n, pbuf* p) {
        return static_cast<QueueNetif*>(n->state)->queue_.push(p) ? ERR_OK : ERR_MEM;
    }

    netif netif_{};
    FrameQueue queue_;
    std::uint8_t mac_last_;
    char name_[2]{};
};

// ------------------------------------------------------------ a bulk sender and receiver

/// Writes `total` bytes (the interop pattern, or a constant when !exact)
/// as fast as the send buffer allows, then closes (FIN).
struct LwipSource {
    tcp_pcb* pcb = nullptr;
    std::size_t total = 0, sent = 0;
    bool exact = false, connected = false, closed = false;
    err_t error = ERR_OK;
    std::vector<std::uint8_t> chunk = std::vector<std::uint8_t>(65536, 0x5a);

    void pump() {
        if (pcb == nullptr || closed) return;
        while (sent < total) {
            const std::size_t room = tcp_sndbuf(pcb);
            if (room == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 2) break;
            const std::size_t n = std::min({room, total - sent, chunk.size()});
            if (exact)
                for (std::size_t i = 0; i < n; ++i)
                    chunk[i] = pattern(sent + i);
            if (tcp_write(pcb, chunk.data(), static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY) != ERR_OK)
                break;
            sent += n;
        }
        if (sent == total) {
            // The FIN goes behind the data; lwIP owns the pcb from here (it
            // frees it after TIME-WAIT), so no callback may reach us again.
            tcp_arg(pcb, nullptr);
            tcp_sent(pcb, nullptr);
            tcp_err(pcb, nullptr);
            tcp_close(pcb);
            tcp_output(pcb);
            closed = true;
            pcb = nullptr;
            return;
        }
        tcp_output(pcb);
    }
    /// Connects from `local` (the pcb bound to that netif) to addr:port.
    err_t connect(netif* local, ip4_addr_t addr, u16_t port) {
        pcb = tcp_new();
        if (pcb == nullptr) return ERR_MEM;
        tcp_bind_netif(pcb, local);
        tcp_arg(pcb, this);
        tcp_sent(pcb, [](void* arg, tcp_pcb*, u16_t) -> err_t {
            static_cast<LwipSource*>(arg)->pump();
            return ERR_OK;
        });
        tcp_err(pcb, [](void* arg, err_t e) {
            auto* self = static_cast<LwipSource*>(arg);
            self->error = e;
            self->pcb = nullptr; // lwIP freed it
        });
        ip_addr_t dst;
        ip_addr_copy_from_ip4(dst, addr);
        return tcp_connect(pcb, &dst, port, [](void* arg, tcp_pcb*, err_t) -> err_t {
            auto* self = static_cast<LwipSource*>(arg);
            self->connected = true;
            self->pump();
            return ERR_OK;
        });
    }
};

/// Accepts one connection on netif `local`, port `port`; counts (and with
/// `exact`, checks) what arrives; closes at the peer's FIN.
struct LwipSink {
    tcp_pcb* listener = nullptr;
    tcp_pcb* pcb = nullptr;
    std::size_t received = 0, mismatches = 0;
    bool exact = false, eof = false;
    err_t error = ERR_OK;

    err_t listen(netif* local, u16_t port) {
        tcp_pcb* p = tcp_new();
        if (p == nullptr) return ERR_MEM;
        tcp_bind_netif(p, local);
        if (const err_t e = tcp_bind(p, IP_ADDR_ANY, port); e != ERR_OK) {
            tcp_close(p);
            return e;
        }
        listener = tcp_listen(p);
        if (listener == nullptr) return ERR_MEM;
        tcp_arg(listener, this);
        tcp_accept(listener, [](void* arg, tcp_pcb* np, err_t) -> err_t {
            auto* self = static_cast<LwipSink*>(arg);
            self->pcb = np;
            tcp_arg(np, self);
            tcp_recv(np, &LwipSink::on_recv);
            tcp_err(np, [](void* a, err_t e) {
                auto* s = static_cast<LwipSink*>(a);
                s->error = e;
                s->pcb = nullptr;
            });
            return ERR_OK;
        });
        return ERR_OK;
    }
    void stop_listening() {
        if (listener != nullptr) tcp_close(listener);
        listener = nullptr;
    }

private:
    static err_t on_recv(void* arg, tcp_pcb* p, pbuf* b, err_t) {
        auto* self = static_cast<LwipSink*>(arg);
        if (b == nullptr) { // the peer's FIN
            self->eof = true;
            tcp_arg(p, nullptr);
            tcp_recv(p, nullptr);
            tcp_err(p, nullptr);
            tcp_close(p);
            self->pcb = nullptr;
            return ERR_OK;
        }
        if (self->exact)
            for (const pbuf* q = b; q != nullptr; q = q->next) {
                const auto* d = static_cast<const std::uint8_t*>(q->payload);
                for (std::size_t i = 0; i < q->len; ++i)
                    if (d[i] != pattern(self->received + i)) ++self->mismatches;
                self->received += q->len;
            }
        else
            self->received += b->tot_len;
        tcp_recved(p, b->tot_len);
        pbuf_free(b);
        return ERR_OK;
    }
};

// ------------------------------------------------------------ lwIP as a strata Node

/// One netif of the process's lwIP as a strata Node (node/concepts.hpp),
/// to be joined to strata hosts in a sim::Network. A frame from the network
/// goes to lwIP's Ethernet input under the core lock; what lwIP sends waits
/// in the netif's FrameQueue until the same receive() or the next poll()
/// hands it to the network. on_poll, when set, runs under the core lock at
/// every poll: where an lwIP application starts (tcp_connect). lwIP's timers
/// run on its tcpip thread on real time, so the network that holds this node
/// must be run paced to wall time (virtual time at most ~1 ms ahead).
class LwipNode {
public:
    explicit LwipNode(QueueNetif& n) : netif_(&n) {}

    [[nodiscard]] std::size_t port_count() const noexcept { return 1; }

    template <class Out>
    void receive(strata::PortId, strata::MutBytes frame, strata::Instant now, Out& out) {
        now_ = now;
        CoreLock lock;
        if (!netif_->input(frame)) drops_.count(strata::DropReason::malformed);
        flush(out);
    }
    template <class Out>
    void poll(strata::Instant now, Out& out) {
        now_ = now;
        CoreLock lock;
        if (on_poll) on_poll();
        flush(out);
    }
    /// lwIP's tcpip thread may queue frames (a retransmission, a delayed ACK)
    /// at any time: look every 100 µs.
    [[nodiscard]] strata::Instant poll_at() const noexcept {
        return now_ + std::chrono::microseconds(100);
    }
    [[nodiscard]] const strata::DropCounts& drops() const noexcept { return drops_; }

    std::function<void()> on_poll;

private:
    template <class Out>
    void flush(Out& out) {
        FrameQueue& q = netif_->queue();
        while (!q.empty()) {
            const strata::Bytes f = q.front();
            if (!out.send(strata::PortId{0}, f.size(), [&](strata::MutBytes b) {
                    std::memcpy(b.data(), f.data(), f.size());
                    return f.size();
                }))
                drops_.count(strata::DropReason::queue_full);
            q.pop();
        }
    }

    QueueNetif* netif_;
    strata::Instant now_{};
    strata::DropCounts drops_{};
};

// ------------------------------------------------------------ tcp_bulk/lwip

/// The two netifs of tcp_bulk/lwip, 10.0.0.1 and 10.0.0.2, made once.
struct BulkPair {
    QueueNetif a, b;
    static ip4_addr_t addr(std::uint8_t last) {
        ip4_addr_t x;
        IP4_ADDR(&x, 10, 0, 0, last);
        return x;
    }
    BulkPair() : a("la", 1, addr(1), 4096), b("lb", 2, addr(2), 4096) {}
};

/// tcp_bulk/lwip; `fail` records a failed run (tcp_bulk.cpp's exit status).
template <class Fail>
void tcp_bulk_lwip(benchmark::State& state, Fail fail) {
    constexpr std::size_t total = std::size_t{1} << 30;
    start_lwip();
    static BulkPair* pair = [] {
        CoreLock lock;
        return new BulkPair(); // NOLINT: lives as long as lwIP does (the process)
    }();
    static u16_t port = 5000;
    for (auto _ : state) {
        LwipSource src;
        LwipSink sink;
        src.total = total;
        ++port;
        std::uint64_t data_frames = 0;
        rusage u0{};
        ::getrusage(RUSAGE_SELF, &u0);
        const auto t0 = std::chrono::steady_clock::now();
        {
            CoreLock lock;
            if (sink.listen(pair->b.get(), port) != ERR_OK ||
                src.connect(pair->a.get(), BulkPair::addr(2), port) != ERR_OK) {
                fail(state, "lwIP: listen/connect failed");
                return;
            }
        }
        // Move frames a->b and b->a in batches of 64 under the core lock;
        // between batches the tcpip thread may take the lock for its timers.
        const auto deadline = t0 + std::chrono::seconds(120);
        while (!sink.eof && src.error == ERR_OK && sink.error == ERR_OK) {
            bool moved = false;
            {
                CoreLock lock;
                for (int i = 0; i < 64; ++i) {
                    bool any = false;
                    if (!pair->a.queue().empty()) {
                        const strata::Bytes f = pair->a.queue().front();
                        if (f.size() > 14 + 20 + 20 + 12) ++data_frames;
                        pair->b.input(f);
                        pair->a.queue().pop();
                        any = true;
                    }
                    if (!pair->b.queue().empty()) {
                        pair->a.input(pair->b.queue().front());
                        pair->b.queue().pop();
                        any = true;
                    }
                    if (!any) break;
                    moved = true;
                }
            }
            if (!moved) {
                if (std::chrono::steady_clock::now() > deadline) break;
                std::this_thread::yield(); // waiting for a timer (delayed ACK)
            }
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        rusage u1{};
        ::getrusage(RUSAGE_SELF, &u1);
        const auto usec = [](const rusage& u) {
            return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
                   static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
        };
        const double cpu = (usec(u1) - usec(u0)) / 1e6;
        {
            CoreLock lock;
            sink.stop_listening();
            // Let the close handshake finish so no callback sees a dead src/sink.
            if (src.pcb != nullptr) tcp_abort(src.pcb); // only on a failed run
            if (sink.pcb != nullptr) tcp_abort(sink.pcb);
            for (int i = 0; i < 1000; ++i) {
                bool any = false;
                if (!pair->a.queue().empty()) {
                    pair->b.input(pair->a.queue().front());
                    pair->a.queue().pop();
                    any = true;
                }
                if (!pair->b.queue().empty()) {
                    pair->a.input(pair->b.queue().front());
                    pair->b.queue().pop();
                    any = true;
                }
                if (!any) break;
            }
        }
        if (sink.received != total || !sink.eof) {
            fail(state, ("lwIP: received " + std::to_string(sink.received) + " of " +
                         std::to_string(total) + ", err " + std::to_string(src.error) + "/" +
                         std::to_string(sink.error))
                            .c_str());
            return;
        }
        if (pair->a.queue().dropped() + pair->b.queue().dropped() != 0) {
            fail(state, "lwIP: the in-memory link dropped frames");
            return;
        }
        state.SetIterationTime(seconds);
        state.counters["Gbit/s"] = static_cast<double>(sink.received) * 8.0 / seconds / 1e9;
        state.counters["ns_per_seg"] = seconds * 1e9 / static_cast<double>(data_frames);
        state.counters["Gbit/cpu_s"] = static_cast<double>(sink.received) * 8.0 / cpu / 1e9;
        state.counters["cpu_ns_per_seg"] = cpu * 1e9 / static_cast<double>(data_frames);
        state.counters["segments"] = static_cast<double>(data_frames);
        state.counters["bytes"] = static_cast<double>(sink.received);
        state.SetBytesProcessed(static_cast<std::int64_t>(sink.received));
    }
}

} // namespace strata_bench_lwip
