// What an outer layer tells the layers inside it while a frame is encoded:
// IPv4 passes its addresses down for the TCP/UDP pseudo-header checksum.
#pragma once

#include <strata/addr/ipv4_address.hpp>

namespace strata {

struct EncodeContext {
    bool has_ipv4 = false;
    Ipv4Address ipv4_src{};
    Ipv4Address ipv4_dst{};
};

/// Options for encode(): Ethernet padding to the 60-byte minimum and the
/// 4-byte FCS that a real NIC adds on the wire (IEEE 802.3 §3.2.9).
struct EncodeOptions {
    bool pad_to_minimum = false;
    bool append_fcs = false;
};

} // namespace strata
