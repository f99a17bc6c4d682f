// nat::Napt: network address and port translation for a Router (RFC 4787
// for UDP, RFC 5382 for TCP, RFC 5508 for ICMP), meeting nat::Policy
// (concept.hpp).
//
// - Endpoint-independent mapping (RFC 4787 REQ-1, RFC 5382 REQ-1): one public
//   port per (protocol, private address, private port), whatever the
//   destination; ICMP echo identifiers are mapped the same way (RFC 5508
//   REQ-2).
// - Endpoint-independent filtering (RFC 4787 §5 / REQ-8, RFC 5382 REQ-3):
//   once mapped, a public port accepts packets from any remote endpoint.
//   Chosen for transparency (games, VoIP and peer-to-peer traversal work as
//   RFC 4787 REQ-8 recommends); the security of APDF is the filter's job
//   (filter::Stateful).
// - One entry per mapping for both directions; the outbound path finds it by
//   the private endpoint, the inbound path by the public one (mapping_table.hpp).
// - Public ports are drawn from the seeded stream inside the range and never
//   reused while mapped (RFC 4787 REQ-1); no parity or contiguity (REQ-3/4
//   not claimed).
// - Idle timeouts on `now` (policy/flow/timeouts.hpp); TCP state from the
//   SYN/FIN/RST seen (RFC 5382 REQ-5); expiry in poll(), lazily.
// - ICMP errors are translated with their quoted header (RFC 5508 §4.2, REQ-3),
//   hairpinning works (RFC 4787 REQ-9, RFC 5382 REQ-8), static forwards map a
//   public port (inside the dynamic range or not) to a private endpoint.
// - Every checksum is fixed incrementally (RFC 1624, translate.hpp); a UDP
//   checksum of 0 stays 0 (RFC 768).
// - Fragments (RFC 4787 REQ-14): a first fragment is translated like a whole
//   datagram and remembered (fragment_table.hpp); the later fragments of it
//   get the same address rewritten (only the IP header: they carry no
//   ports). A later fragment that comes before its first is dropped and
//   counted (dropped_fragments): holding it back would need a way to emit
//   packets from a policy call, which nat::Policy does not have.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include <boost/unordered/unordered_flat_map.hpp>

#include <strata/core/config_error.hpp>
#include <strata/core/random.hpp>
#include <strata/policy/nat/concept.hpp>
#include <strata/policy/nat/fragment_table.hpp>
#include <strata/policy/nat/icmp_quote.hpp>
#include <strata/policy/nat/mapping_table.hpp>
#include <strata/policy/nat/napt_config.hpp>
#include <strata/policy/nat/napt_counters.hpp>
#include <strata/policy/nat/translate.hpp>
#include <strata/wire/icmp.hpp>
#include <strata/wire/ipv4.hpp>
#include <strata/wire/tcp.hpp>
#include <strata/wire/udp.hpp>

namespace strata::nat {

class Napt {
public:
    static constexpr bool enabled = true;

    /// A NAT for `config`, or what is wrong with it (validate()).
    static ConfigResult<Napt> make(NaptConfig config, RandomStream random) {
        STRATA_TRY_CONFIG(validate(config));
        return Napt(std::move(config), random);
    }

    Napt(Napt&&) noexcept = default;
    Napt(const Napt&) = delete;
    Napt& operator=(const Napt&) = delete;
    Napt& operator=(Napt&&) = delete;

    /// Destination translation (DESIGN.md §5): replies and forwarded
    /// packets to the public address, from outside or (hairpinning) inside.
    template <class Out>
    [[gnu::always_inline]] Outcome prerouting(PortId ingress, MutBytes packet, Instant now,
                                              Out& out) {
        const auto ip = ipv4(packet);
        if (!ip) return outcome(Verdict::pass);
        const std::uint32_t dst = ip->dst().value();
        if (!is_public(dst)) return outcome(Verdict::pass);
        if (ingress != config_.outside_port && !is_inside(ingress)) return outcome(Verdict::pass);
        const auto address = static_cast<std::uint16_t>(dst - base_);
        if (ip->is_fragment()) [[unlikely]]
            return fragment_in(*ip, address, now, out);
        return transport_in(*ip, address, now, out);
    }

    /// Source translation once the egress is known: packets from inside that
    /// leave by the outside port, hairpinned packets, and ICMP errors (from
    /// inside hosts or from the router) quoting a translated inbound packet.
    template <class Out>
    [[gnu::always_inline]] Verdict postrouting(PortId ingress, PortId egress, MutBytes packet,
                                               const Context& context, Instant now, Out& out) {
        const bool leaves = egress == config_.outside_port;
        const bool hairpin =
            !leaves && context.destination_translated && is_inside(ingress) && is_inside(egress);
        if (!leaves && !hairpin) return Verdict::pass;
        const auto ip = ipv4(packet);
        if (!ip) return Verdict::pass;
        if (ip->is_fragment()) [[unlikely]]
            return fragment_out(ingress, leaves, *ip, now, out);
        return transport_out(ingress, leaves, *ip, now, out);
    }

    /// Expires idle mappings (trace nat_mapping_expired).
    template <class Out>
    void poll(Instant now, Out& out) {
        table_.expire_until(ns_since_start(now), [&](std::uint32_t e) {
            const Mapping& m = table_[e];
            if (out.tracing()) out.trace(event(TraceKind::nat_mapping_expired, m));
            ++counters_.mappings_expired;
            table_.erase(e, restore_slot(m));
        });
    }
    /// The earliest instant a mapping may expire (a lower bound: a mapping
    /// used since is re-queued when poll() reaches it), or `never`.
    [[nodiscard]] Instant poll_at() const noexcept { return table_.next_expiry(); }

    // --- inspection -------------------------------------------------------------
    [[nodiscard]] const NaptCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const NaptConfig& config() const noexcept { return config_; }
    /// Live mappings.
    [[nodiscard]] std::size_t size() const noexcept { return table_.size(); }
    /// The public endpoint of a mapped private endpoint (port = ICMP id for ICMP).
    [[nodiscard]] std::optional<PublicEndpoint>
    public_endpoint(IpProtocol protocol, Ipv4Address private_address,
                    std::uint16_t private_port) const noexcept {
        const std::uint32_t e = table_.find_private(static_cast<std::uint8_t>(protocol),
                                                    private_address.value(), private_port);
        if (e == MappingTable::npos) return std::nullopt;
        return PublicEndpoint{Ipv4Address{base_ + table_[e].public_index}, table_[e].public_port};
    }
    /// Bytes reserved by the mapping table (all of it is allocated at
    /// construction for config().capacity mappings).
    [[nodiscard]] std::size_t memory_bytes() const noexcept {
        return table_.memory_bytes() + fragments_.memory_bytes();
    }
    /// The first fragments remembered for their later ones.
    [[nodiscard]] const FragmentTable& fragments() const noexcept { return fragments_; }
    /// The mapping table itself (for tests and tools).
    [[nodiscard]] const MappingTable& table() const noexcept { return table_; }

private:
    /// An inbound packet (whole, or a first fragment) to `address` of the pool.
    template <class Out>
    [[gnu::always_inline]] Outcome transport_in(const Ipv4View<Byte>& ip, std::uint16_t address,
                                                Instant now, Out& out) {
        const std::uint8_t protocol = static_cast<std::uint8_t>(ip.protocol());
        const MutBytes l4 = ip.payload();
        if (protocol == 1) {
            if (l4.size() < icmp_field::header_len) return drop_malformed();
            const auto type = static_cast<IcmpType>(l4[0]);
            if (type == IcmpType::echo_reply)
                return inbound(ip, l4, address, 1, load_be16(&l4[detail::icmp_ident]), now, out);
            if (is_icmp_error(type)) return inbound_error(ip, l4, address, now, out);
            return outcome(Verdict::pass); // echo requests and other queries are the router's own
                                           // (RFC 5508 §3)
        }
        if (protocol == 6 || protocol == 17) {
            if (l4.size() < (protocol == 6 ? tcp_field::min_header_len : udp_field::header_len))
                return drop_malformed();
            return inbound(ip, l4, address, protocol, load_be16(&l4[detail::l4_dst_port]), now,
                           out);
        }
        return no_mapping();
    }

    /// An outbound packet (whole, or a first fragment).
    template <class Out>
    [[gnu::always_inline]] Verdict transport_out(PortId ingress, bool leaves,
                                                 const Ipv4View<Byte>& ip, Instant now, Out& out) {
        const std::uint8_t protocol = static_cast<std::uint8_t>(ip.protocol());
        const MutBytes l4 = ip.payload();
        if (leaves && protocol == 1 && l4.size() >= icmp_field::header_len &&
            is_icmp_error(static_cast<IcmpType>(l4[0])))
            return outbound_error(ip, l4, now, out);
        if (!is_inside(ingress) || is_public(ip.src().value())) return Verdict::pass;
        if (protocol == 1) {
            if (l4.size() < icmp_field::header_len) return drop_malformed().verdict;
            // Echo requests create query mappings (RFC 5508 REQ-1); other
            // ICMP from inside is not translated.
            if (static_cast<IcmpType>(l4[0]) != IcmpType::echo_request) return Verdict::pass;
            return outbound(ip, l4, 1, load_be16(&l4[detail::icmp_ident]), now, out);
        }
        if (protocol != 6 && protocol != 17) return Verdict::pass;
        if (l4.size() < (protocol == 6 ? tcp_field::min_header_len : udp_field::header_len))
            return drop_malformed().verdict;
        return outbound(ip, l4, protocol, load_be16(&l4[detail::l4_src_port]), now, out);
    }

    /// A fragment to the public address. The first one is translated as a
    /// whole datagram would be, and remembered if its destination changed;
    /// a later one gets the destination its first fragment got.
    template <class Out>
    [[gnu::noinline]] Outcome fragment_in(const Ipv4View<Byte>& ip, std::uint16_t address,
                                          Instant now, Out& out) {
        const std::uint32_t src = ip.src().value(), dst = ip.dst().value();
        const auto protocol = static_cast<std::uint8_t>(ip.protocol());
        const std::int64_t t = ns_since_start(now);
        if (ip.frag_offset_raw() == 0) {
            const Outcome o = transport_in(ip, address, now, out);
            if (o.verdict == Verdict::translated && ip.dst().value() != dst)
                fragments_.remember(src, dst, protocol, ip.ident(),
                                    FragmentTable::Field::destination, ip.dst().value(), t);
            return o;
        }
        std::uint32_t to = 0;
        if (!fragments_.find(src, dst, protocol, ip.ident(), FragmentTable::Field::destination, t,
                             to))
            return drop_fragment();
        detail::rewrite_fragment_address(ip, detail::ip_dst, to);
        ++counters_.translated_in;
        ++counters_.fragments_translated;
        return outcome(Verdict::translated, true);
    }
    /// The same for the source of a fragment going out (or hairpinned).
    template <class Out>
    [[gnu::noinline]] Verdict fragment_out(PortId ingress, bool leaves, const Ipv4View<Byte>& ip,
                                           Instant now, Out& out) {
        const std::uint32_t src = ip.src().value(), dst = ip.dst().value();
        const auto protocol = static_cast<std::uint8_t>(ip.protocol());
        const std::int64_t t = ns_since_start(now);
        if (ip.frag_offset_raw() == 0) {
            const Verdict v = transport_out(ingress, leaves, ip, now, out);
            if (v == Verdict::translated && ip.src().value() != src)
                fragments_.remember(src, dst, protocol, ip.ident(), FragmentTable::Field::source,
                                    ip.src().value(), t);
            return v;
        }
        std::uint32_t to = 0;
        if (fragments_.find(src, dst, protocol, ip.ident(), FragmentTable::Field::source, t, to)) {
            detail::rewrite_fragment_address(ip, detail::ip_src, to);
            ++counters_.translated_out;
            ++counters_.fragments_translated;
            return Verdict::translated;
        }
        // Unknown datagram: from inside, with a protocol this NAT maps, it
        // must not leave with its private source.
        if (is_inside(ingress) && !is_public(src) && l4_index(protocol) >= 0)
            return drop_fragment().verdict;
        return Verdict::pass;
    }
    Napt(NaptConfig config, RandomStream random)
        : config_(std::move(config)), random_(random), base_(config_.public_address.value()),
          table_(config_.capacity, config_.public_address_count, config_.port_lo, config_.port_hi),
          fragments_(config_.fragment_capacity, config_.fragment_timeout) {
        for (const PortId p : config_.inside_ports) {
            if (inside_.size() <= to_index(p)) inside_.resize(to_index(p) + 1u, 0);
            inside_[to_index(p)] = 1;
        }
        // Forwards live on the first address of the pool; their public ports
        // are taken for good, so no dynamic mapping draws them.
        for (std::uint32_t k = 0; k < config_.forwards.size(); ++k) {
            const StaticForward& f = config_.forwards[k];
            const auto protocol = static_cast<std::uint8_t>(f.protocol);
            table_.reserve_forward(0, l4_index(protocol), f.public_port, k);
            forward_by_private_.emplace(key(protocol, f.private_address.value(), f.private_port),
                                        k);
        }
    }

    /// The packet as IPv4, or nullopt. The usual header (version 4, IHL 5:
    /// no options) is checked here, inline, with the same rules as
    /// Ipv4View::checked(), which gets everything else (options included).
    [[gnu::always_inline]] static std::optional<Ipv4View<Byte>> ipv4(MutBytes b) noexcept {
        if (b.size() >= ipv4_field::header_len && b[0] == 0x45) [[likely]] {
            const std::size_t total = load_be16(b.data() + 2);
            if (total < ipv4_field::header_len || total > b.size()) return std::nullopt;
            return Ipv4View<Byte>::unchecked(b);
        }
        auto r = Ipv4View<Byte>::checked(b);
        if (!r) return std::nullopt;
        return *r;
    }
    /// An Outcome assembled in a register: built field by field, g++ and
    /// clang store the bytes to the stack and reload them as one word,
    /// which stalls store forwarding (a third of the inbound path, measured
    /// with perf on nat_translate/strata/1k).
    [[gnu::always_inline]] static Outcome outcome(Verdict v, bool translated_destination = false,
                                                  std::uint32_t entry = ~0u) noexcept {
        if constexpr (std::endian::native == std::endian::little && sizeof(Outcome) == 12 &&
                      offsetof(Outcome, context) == 4 && offsetof(Context, entry) == 4) {
            // Built as bytes, the first 8 are still stored one by one once
            // inlined (SRA sees through bit_cast); an empty asm makes the
            // 64-bit value opaque, so it is stored as one word.
            std::uint64_t head =
                static_cast<std::uint64_t>(v) | std::uint64_t{translated_destination} << 32;
#if defined(__GNUC__)
            asm("" : "+r"(head));
#endif
            Outcome o;
            std::memcpy(static_cast<void*>(&o), &head, sizeof head);
            o.context.entry = entry;
            return o;
        } else {
            Outcome o;
            o.verdict = v;
            o.context.destination_translated = translated_destination;
            o.context.entry = entry;
            return o;
        }
    }
    static constexpr std::uint64_t key(std::uint8_t protocol, std::uint32_t ip,
                                       std::uint16_t port) noexcept {
        return std::uint64_t{ip} << 24 | std::uint64_t{port} << 8 | protocol;
    }
    [[nodiscard]] bool is_public(std::uint32_t ip) const noexcept {
        return ip - base_ < config_.public_address_count;
    }
    [[nodiscard]] bool is_inside(PortId p) const noexcept {
        return to_index(p) < inside_.size() && inside_[to_index(p)] != 0;
    }
    [[nodiscard]] std::uint32_t public_ip(const Mapping& m) const noexcept {
        return base_ + m.public_index;
    }
    [[nodiscard]] TraceEvent event(TraceKind k, const Mapping& m) const noexcept {
        return TraceEvent::nat(k, m.protocol, Ipv4Address{m.private_ip}, m.private_port,
                               Ipv4Address{public_ip(m)}, m.public_port);
    }
    /// What a mapping's public slot goes back to when it expires.
    [[nodiscard]] std::uint32_t restore_slot(const Mapping& m) const noexcept {
        if (forward_by_private_.empty() || m.protocol == 1) return MappingTable::npos;
        const auto it = forward_by_private_.find(key(m.protocol, m.private_ip, m.private_port));
        return it == forward_by_private_.end() ? MappingTable::npos
                                               : (MappingTable::forward_bit | it->second);
    }
    /// A translated packet refreshes its mapping. Only a TCP deadline can
    /// move earlier (FIN, RST), so only TCP reads the entry back; for UDP
    /// and ICMP this is one store, which does not wait for the entry's
    /// cache line.
    [[gnu::always_inline]] void touch(std::uint32_t e, Instant now, std::uint8_t protocol) {
        Mapping& m = table_[e];
        const std::int64_t t = ns_since_start(now);
        if (protocol == 6) {
            m.expiry_ns = t + flow::idle_timeout(config_.timeouts, 6, m.tcp).count();
            table_.reschedule_earlier(e);
        } else {
            m.expiry_ns =
                t + (protocol == 17 ? config_.timeouts.udp : config_.timeouts.icmp).count();
        }
    }
    /// SYN, FIN or RST: the TCP state changes (RFC 5382 §5), in the entry
    /// and in the private index's copy.
    static constexpr std::uint8_t tcp_state_flags = 0x07; // FIN | SYN | RST
    void observe_tcp(std::uint32_t e, std::uint8_t flags, bool outbound) {
        table_[e].tcp.observe(flags, outbound);
        table_.sync_tcp(e);
    }
    Outcome no_mapping() noexcept {
        ++counters_.dropped_no_mapping;
        return outcome(Verdict::no_mapping);
    }
    Outcome drop_fragment() noexcept {
        ++counters_.dropped_fragments;
        return outcome(Verdict::no_mapping);
    }
    Outcome drop_malformed() noexcept {
        ++counters_.dropped_malformed;
        return outcome(Verdict::no_mapping);
    }

    /// A new mapping for a private endpoint, or npos (counted). A private
    /// endpoint that a static forward names gets the forward's public port.
    template <class Out>
    [[gnu::noinline]] std::uint32_t create(std::uint8_t protocol, std::uint32_t private_ip,
                                           std::uint16_t private_port, std::uint32_t forward,
                                           Instant now, Out& out) {
        if (table_.size() >= table_.capacity()) {
            ++counters_.dropped_table_full;
            return MappingTable::npos;
        }
        const int l4 = l4_index(protocol);
        Mapping m{};
        m.private_ip = private_ip;
        m.private_port = private_port;
        m.protocol = protocol;
        if (forward == MappingTable::npos && protocol != 1 && !forward_by_private_.empty()) {
            const auto it = forward_by_private_.find(key(protocol, private_ip, private_port));
            if (it != forward_by_private_.end()) forward = it->second;
        }
        if (forward != MappingTable::npos) {
            m.public_index = 0;
            m.public_port = config_.forwards[forward].public_port;
        } else {
            m.public_index = paired_address(private_ip);
            if (table_.free_ports(m.public_index, l4) == 0) {
                ++counters_.dropped_ports_exhausted;
                return MappingTable::npos;
            }
            m.public_port = draw_port(m.public_index, l4);
        }
        m.expiry_ns =
            ns_since_start(now) + flow::idle_timeout(config_.timeouts, protocol, m.tcp).count();
        const std::uint32_t e = table_.insert(m, forward != MappingTable::npos);
        ++counters_.mappings_created;
        if (out.tracing()) out.trace(event(TraceKind::nat_mapping_created, table_[e]));
        return e;
    }
    /// RFC 4787 REQ-2 "paired": the same private address, the same public one.
    [[nodiscard]] std::uint16_t paired_address(std::uint32_t private_ip) const noexcept {
        if (config_.public_address_count == 1) return 0;
        const std::uint64_t h = (std::uint64_t{private_ip} * 0x9e3779b97f4a7c15ULL) >> 32;
        return static_cast<std::uint16_t>((h * config_.public_address_count) >> 32);
    }
    /// A free public port of (address, l4), drawn from the stream: a few
    /// uniform draws, then a walk from a random start (the range is nearly
    /// full). Precondition: free_ports(address, l4) > 0.
    std::uint16_t draw_port(std::uint16_t address, int l4) {
        const std::uint32_t range = table_.range();
        for (int attempt = 0; attempt < 16; ++attempt) {
            const auto p = static_cast<std::uint16_t>(config_.port_lo + random_.below(range));
            if (table_.public_slot(address, l4, p) == MappingTable::npos) return p;
        }
        const auto start = static_cast<std::uint32_t>(random_.below(range));
        for (std::uint32_t i = 0; i < range; ++i) {
            const auto p = static_cast<std::uint16_t>(config_.port_lo + (start + i) % range);
            if (table_.public_slot(address, l4, p) == MappingTable::npos) return p;
        }
        return config_.port_lo; // unreachable under the precondition
    }

    /// Rewrites the destination address and port (or echo id) of a packet
    /// to the private endpoint of mapping e.
    [[gnu::always_inline]] static void rewrite_destination(const Ipv4View<Byte>& ip, MutBytes l4,
                                                           std::uint8_t protocol,
                                                           const Mapping& m) noexcept {
        Byte* const h = ip.bytes().data();
        ChecksumDelta ipd, l4d;
        detail::put32(h + detail::ip_dst, m.private_ip, ipd);
        detail::fix_checksum(h + detail::ip_checksum, ipd);
        rewrite_l4(l4, protocol, ipd, l4d, false, m.private_port);
    }
    /// The same for the source, to the public endpoint.
    [[gnu::always_inline]] static void rewrite_source(const Ipv4View<Byte>& ip, MutBytes l4,
                                                      std::uint8_t protocol,
                                                      std::uint32_t public_address,
                                                      std::uint16_t public_port) noexcept {
        Byte* const h = ip.bytes().data();
        ChecksumDelta ipd, l4d;
        detail::put32(h + detail::ip_src, public_address, ipd);
        detail::fix_checksum(h + detail::ip_checksum, ipd);
        rewrite_l4(l4, protocol, ipd, l4d, true, public_port);
    }
    /// Port (TCP/UDP, source or destination) or echo identifier (ICMP) to
    /// `port`, and the transport checksum: TCP and UDP cover the address
    /// change through the pseudo-header (`ipd`), ICMP does not.
    [[gnu::always_inline]] static void rewrite_l4(MutBytes l4, std::uint8_t protocol,
                                                  const ChecksumDelta& ipd, ChecksumDelta& l4d,
                                                  bool source, std::uint16_t port) noexcept {
        Byte* const t = l4.data();
        if (protocol == 1) {
            detail::put16(t + detail::icmp_ident, port, l4d);
            detail::fix_checksum(t + detail::icmp_checksum, l4d);
            return;
        }
        l4d.add(ipd);
        detail::put16(t + (source ? detail::l4_src_port : detail::l4_dst_port), port, l4d);
        if (protocol == 6)
            detail::fix_checksum(t + detail::tcp_checksum, l4d);
        else
            detail::fix_checksum(t + detail::udp_checksum, l4d, true);
    }

    /// A reply (or hairpinned packet) to public port `port` of `address`.
    template <class Out>
    [[gnu::always_inline]] Outcome inbound(const Ipv4View<Byte>& ip, MutBytes l4,
                                           std::uint16_t address, std::uint8_t protocol,
                                           std::uint16_t port, Instant now, Out& out) {
        std::uint32_t e = table_.find_public(address, l4_index(protocol), port);
        if (e == MappingTable::npos) return no_mapping();
        const bool created = (e & MappingTable::forward_bit) != 0;
        if (created) { // a static forward with no flow yet (only on address 0)
            const StaticForward& f = config_.forwards[e & ~MappingTable::forward_bit];
            e = create(protocol, f.private_address.value(), f.private_port,
                       e & ~MappingTable::forward_bit, now, out);
            if (e == MappingTable::npos) return outcome(Verdict::ports_exhausted);
        }
        Mapping& m = table_[e];
        if (protocol == 6 && (l4[13] & tcp_state_flags) != 0) observe_tcp(e, l4[13], false);
        rewrite_destination(ip, l4, protocol, m);
        touch(e, now, protocol);
        ++counters_.translated_in;
        if (!created && out.tracing()) out.trace(event(TraceKind::nat_mapping_used, m));
        return outcome(Verdict::translated, true, e);
    }

    /// A packet from inside, source to be made public. The public endpoint
    /// comes from the private index's slot, so the rewrite does not wait
    /// for the entry; the entry's deadline and TCP state are updated after.
    template <class Out>
    [[gnu::always_inline]] Verdict outbound(const Ipv4View<Byte>& ip, MutBytes l4,
                                            std::uint8_t protocol, std::uint16_t port, Instant now,
                                            Out& out) {
        const std::uint32_t src = ip.src().value();
        std::uint32_t e;
        std::uint32_t public_address;
        std::uint16_t public_port;
        const PrivateIndex::Slot* slot = table_.find_private_slot(protocol, src, port);
        const bool created = slot == nullptr;
        if (!created) {
            e = slot->entry;
            public_address = base_ + slot->public_index;
            public_port = slot->public_port;
        } else {
            e = create(protocol, src, port, MappingTable::npos, now, out);
            if (e == MappingTable::npos) return Verdict::ports_exhausted;
            public_address = public_ip(table_[e]);
            public_port = table_[e].public_port;
        }
        rewrite_source(ip, l4, protocol, public_address, public_port);
        if (protocol == 6 && !created && (l4[13] & tcp_state_flags) == 0) {
            // No SYN/FIN/RST: the state, so the timeout, is the slot's copy
            // and the deadline only moves later: one store, no read of the
            // entry.
            table_[e].expiry_ns =
                ns_since_start(now) + flow::idle_timeout(config_.timeouts, 6, slot->tcp).count();
        } else {
            if (protocol == 6) observe_tcp(e, l4[13], true);
            touch(e, now, protocol);
        }
        ++counters_.translated_out;
        if (!created && out.tracing()) out.trace(event(TraceKind::nat_mapping_used, table_[e]));
        return Verdict::translated;
    }

    /// An error from outside about a packet we translated on its way out.
    template <class Out>
    [[gnu::noinline]] Outcome inbound_error(const Ipv4View<Byte>& ip, MutBytes icmp, std::uint16_t,
                                            Instant, Out& out) {
        const auto q = detail::quote(icmp, IcmpType::echo_request);
        if (!q) return drop_malformed();
        const std::uint32_t src = q->ip.src().value();
        const std::uint16_t port =
            load_be16(q->l4.data() + (q->protocol == 1 ? detail::icmp_ident : detail::l4_src_port));
        if (!is_public(src)) return no_mapping();
        const std::uint32_t e = table_.find_public(static_cast<std::uint16_t>(src - base_),
                                                   l4_index(q->protocol), port);
        if (e == MappingTable::npos || (e & MappingTable::forward_bit) != 0) return no_mapping();
        const Mapping& m = table_[e];
        ChecksumDelta icmpd, ipd;
        detail::rewrite_quote(*q, detail::ip_src,
                              q->protocol == 1 ? detail::icmp_ident : detail::l4_src_port,
                              m.private_ip, m.private_port, icmpd);
        detail::fix_checksum(icmp.data() + detail::icmp_checksum, icmpd);
        Byte* const h = ip.bytes().data();
        detail::put32(h + detail::ip_dst, m.private_ip, ipd);
        detail::fix_checksum(h + detail::ip_checksum, ipd);
        ++counters_.translated_in;
        ++counters_.icmp_errors_translated;
        if (out.tracing()) out.trace(event(TraceKind::nat_mapping_used, m));
        return outcome(Verdict::translated, true, e);
    }

    /// An error leaving by the outside port about a packet that came in
    /// through a mapping (from an inside host, or from the router itself).
    /// Not about a mapping: left alone.
    template <class Out>
    [[gnu::noinline]] Verdict outbound_error(const Ipv4View<Byte>& ip, MutBytes icmp, Instant,
                                             Out& out) {
        const auto q = detail::quote(icmp, IcmpType::echo_reply);
        if (!q) return Verdict::pass;
        const std::size_t port_off = q->protocol == 1 ? detail::icmp_ident : detail::l4_dst_port;
        const std::uint32_t e = table_.find_private(q->protocol, q->ip.dst().value(),
                                                    load_be16(q->l4.data() + port_off));
        if (e == MappingTable::npos) return Verdict::pass;
        const Mapping& m = table_[e];
        ChecksumDelta icmpd, ipd;
        detail::rewrite_quote(*q, detail::ip_dst, port_off, public_ip(m), m.public_port, icmpd);
        detail::fix_checksum(icmp.data() + detail::icmp_checksum, icmpd);
        // From the host itself: its address goes public too. From the
        // router: its own (outside) address is kept.
        Byte* const h = ip.bytes().data();
        if (load_be32(h + detail::ip_src) == m.private_ip) {
            detail::put32(h + detail::ip_src, public_ip(m), ipd);
            detail::fix_checksum(h + detail::ip_checksum, ipd);
        }
        ++counters_.translated_out;
        ++counters_.icmp_errors_translated;
        if (out.tracing()) out.trace(event(TraceKind::nat_mapping_used, m));
        return Verdict::translated;
    }

    NaptConfig config_;
    RandomStream random_;
    std::uint32_t base_;
    MappingTable table_;
    FragmentTable fragments_;
    std::vector<std::uint8_t> inside_;
    boost::unordered_flat_map<std::uint64_t, std::uint32_t> forward_by_private_;
    NaptCounters counters_{};
};

static_assert(Policy<Napt>);

} // namespace strata::nat
