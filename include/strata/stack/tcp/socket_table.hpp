// The engine's socket table: fixed slots of listeners and connection blocks
// behind ConnId handles (slot index + generation, so a stale handle is
// refused), the listeners, and the 4-tuple → connection map
// (boost::unordered_flat_map, reserved at construction).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/stack/endpoint.hpp>
#include <strata/stack/tcp/tcb.hpp>

namespace strata::stack::tcp {

/// A listening socket (RFC 9293 LISTEN): the SYN queue is counted here (its
/// connections are SYN-RECEIVED TCBs in the table), the accept queue holds
/// established connections not yet accepted.
struct Listener {
    Endpoint local;
    std::size_t backlog = 1;
    std::size_t syn_queue = 0;
    std::vector<ConnId> accept_q;
};

template <CongestionControl CC>
class SocketTable {
public:
    using Connection = Tcb<CC>;

    explicit SocketTable(std::size_t capacity) : slots_(std::min<std::size_t>(capacity, 0xFFFF)) {
        map_.reserve(slots_.size());
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
    [[nodiscard]] ConnId id_at(std::size_t i) const noexcept {
        return (ConnId{slots_[i].gen} << 16) | static_cast<ConnId>(i);
    }
    Connection* conn_at(std::size_t i) noexcept { return slots_[i].tcb.get(); }
    const Connection* conn_at(std::size_t i) const noexcept { return slots_[i].tcb.get(); }

    Connection* conn(ConnId id) noexcept {
        const Slot* s = slot(id);
        return s ? s->tcb.get() : nullptr;
    }
    const Connection* conn(ConnId id) const noexcept {
        const Slot* s = slot(id);
        return s ? s->tcb.get() : nullptr;
    }
    Listener* lst(ConnId id) noexcept {
        const Slot* s = slot(id);
        return s ? s->lst.get() : nullptr;
    }
    const Listener* lst(ConnId id) const noexcept {
        const Slot* s = slot(id);
        return s ? s->lst.get() : nullptr;
    }

    /// A free handle (the lowest free slot, so that scans stop at used_end()),
    /// or nullopt when full. A reused slot has a new generation: old handles
    /// to it are refused.
    std::optional<ConnId> alloc() noexcept {
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            if (!slots_[i].tcb && !slots_[i].lst) {
                if (i + 1 > end_) end_ = i + 1;
                return id_at(i);
            }
        }
        return std::nullopt;
    }
    /// Frees the slot; the handle goes stale (generation bump).
    void release(ConnId id) noexcept {
        const std::size_t i = index(id);
        if (i >= slots_.size()) return;
        if (slots_[i].lst) std::erase(listeners_, id);
        slots_[i].tcb.reset();
        slots_[i].lst.reset();
        slots_[i].gen = static_cast<std::uint16_t>(slots_[i].gen + 1);
        while (end_ > 0 && !slots_[end_ - 1].tcb && !slots_[end_ - 1].lst)
            --end_;
    }
    /// One past the highest slot in use: poll() and poll_at() scan [0, used_end()).
    [[nodiscard]] std::size_t used_end() const noexcept { return end_; }

    Connection& make_conn(ConnId id, const TcpConfig& cfg, const FourTuple& tu) {
        auto& s = slots_[index(id)];
        s.tcb = std::make_unique<Connection>(cfg, tu);
        map_[tu] = id;
        return *s.tcb;
    }
    Listener& make_listener(ConnId id, Endpoint local, std::size_t backlog) {
        auto& s = slots_[index(id)];
        s.lst = std::make_unique<Listener>();
        s.lst->local = local;
        s.lst->backlog = backlog;
        s.lst->accept_q.reserve(backlog);
        listeners_.push_back(id);
        return *s.lst;
    }
    [[nodiscard]] const std::vector<ConnId>& listeners() const noexcept { return listeners_; }

    [[nodiscard]] ConnId find(const FourTuple& tu) const noexcept {
        auto it = map_.find(tu);
        return it == map_.end() ? no_conn : it->second;
    }
    [[nodiscard]] bool contains(const FourTuple& tu) const noexcept { return map_.contains(tu); }
    /// Removes the tuple's entry if it still names `id`.
    void unmap(const FourTuple& tu, ConnId id) noexcept {
        if (auto it = map_.find(tu); it != map_.end() && it->second == id) map_.erase(it);
    }

    [[nodiscard]] bool listening_on(Port p) const noexcept {
        return std::any_of(listeners_.begin(), listeners_.end(), [&](ConnId l) {
            const Listener* li = lst(l);
            return li && li->local.port == p;
        });
    }
    /// The listener for a local endpoint: exact address first, then 0.0.0.0.
    [[nodiscard]] ConnId find_listener(const Endpoint& local) const noexcept {
        ConnId any = no_conn;
        for (ConnId l : listeners_) {
            const Listener* li = lst(l);
            if (!li || li->local.port != local.port) continue;
            if (li->local.addr == local.addr) return l;
            if (li->local.addr.value() == 0) any = l;
        }
        return any;
    }

private:
    struct Slot {
        std::unique_ptr<Connection> tcb;
        std::unique_ptr<Listener> lst;
        std::uint16_t gen = 0;
    };
    static std::size_t index(ConnId id) noexcept { return id & 0xFFFFu; }
    const Slot* slot(ConnId id) const noexcept {
        const std::size_t i = index(id);
        if (i >= slots_.size() || slots_[i].gen != (id >> 16)) return nullptr;
        return &slots_[i];
    }

    std::vector<Slot> slots_;
    std::size_t end_ = 0;
    std::vector<ConnId> listeners_;
    boost::unordered_flat_map<FourTuple, ConnId, FourTupleHash> map_;
};

} // namespace strata::stack::tcp
