// strata-dissect: one capture frame → one JSON object, following the output
// scheme in docs/dissect.md (scheme_version 1).
//
// Every frame is decoded on its own bytes (no TCP reassembly, no IP
// defragmentation) with strata's wire views; whatever the bytes, the result is
// a JSON object with an `errors` list, and no byte outside the frame is read.
// The tool's main (main.cpp) only reads the capture and prints.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include <strata/core/bytes.hpp>
#include <strata/io/pcap_reader.hpp>

namespace strata::dissect {

inline constexpr std::string_view dissector_name = "strata";
inline constexpr std::string_view dissector_version = "0.1.0";
inline constexpr int scheme_version = 1;

/// libpcap's DLT_EN10MB: the only link type decoded (others yield a frame
/// with no layers and an error).
inline constexpr int link_ethernet = 1;

/// Decodes frame number `n` (1-based) of an Ethernet capture.
nlohmann::json dissect_frame(std::size_t n, const PcapFrame& frame, int link_type = link_ethernet);

/// The same on raw bytes: `data` is what was captured (caplen = data.size()),
/// `wirelen` the length on the wire.
nlohmann::json dissect_bytes(std::size_t n, Bytes data, std::uint32_t wirelen,
                             int link_type = link_ethernet);

/// Serialises a frame (or document) on one line. Strings in the output are
/// valid UTF-8 by construction; this never throws on them.
std::string to_line(const nlohmann::json& j);

/// Packet-list context for summary lines: the time of the first frame and, per
/// TCP direction, the first sequence number seen, so that Seq/Ack print
/// relative to it as packet lists do. Grows with the number of TCP directions.
class SummaryContext {
    std::chrono::nanoseconds first_{0};
    bool have_first_ = false;
    std::map<std::tuple<std::string, std::string, int, int>, std::uint32_t> isn_;

public:
    /// Seconds since the first frame this context saw.
    double relative_time(std::chrono::nanoseconds ts);
    /// The sequence number relative to the first one seen in its direction
    /// (the first SYN's or the first segment's).
    std::uint32_t relative_seq(const std::string& src, const std::string& dst, int sport, int dport,
                               std::uint32_t seq, bool remember);
    /// Relative ACK: the peer's direction's first sequence number.
    std::uint32_t relative_ack(const std::string& src, const std::string& dst, int sport, int dport,
                               std::uint32_t ack) const;
};

/// One packet-list line: "N  time  src → dst  PROTO  len  info", e.g.
/// "3  0.000102  10.77.1.2 → 10.77.2.2  TCP  74  53192 → 80 [SYN] Seq=0 Win=64240 Len=0".
std::string summary_line(const nlohmann::json& frame, std::chrono::nanoseconds timestamp,
                         SummaryContext& ctx);

} // namespace strata::dissect
