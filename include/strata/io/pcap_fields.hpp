// The descriptors pcap and pcapng errors name: parts of the file format
// (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng) at the offset where the
// reader found the problem, and the file operations themselves.
#pragma once

#include <strata/core/field.hpp>

namespace strata::pcap_field {
inline constexpr Field close{0, 0, "pcap", "close"};
inline constexpr Field file{0, 0, "pcap", "file"};
inline constexpr Field flush{0, 0, "pcap", "flush"};
inline constexpr Field frame{0, 0, "pcap", "frame"};
inline constexpr Field header{0, 0, "pcap", "header"};
inline constexpr Field magic{0, 0, "pcap", "magic"};
inline constexpr Field original_len{0, 0, "pcap", "original_len"};
inline constexpr Field record{0, 0, "pcap", "record"};
inline constexpr Field snaplen{0, 0, "pcap", "snaplen"};
inline constexpr Field timestamp{0, 0, "pcap", "timestamp"};
inline constexpr Field write{0, 0, "pcap", "write"};
} // namespace strata::pcap_field
