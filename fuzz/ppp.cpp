// PPP frames (RFC 1661 §2) and the control protocols: LCP, PAP, CHAP, IPCP.
// Input: the PPP frame from its protocol field (the PPPoE session payload).
// Every control protocol is also tried on the whole input, so the fuzzer
// need not find the protocol number first.
#include <cstddef>
#include <cstdint>

#include "ppp_checks.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Bytes in{data, size};
    fuzz::check_ppp_frame(in);
    fuzz::check_control<PppProtocol::lcp>(in);
    fuzz::check_control<PppProtocol::ipcp>(in);
    fuzz::check_control<PppProtocol::pap>(in);
    fuzz::check_control<PppProtocol::chap>(in);
    return 0;
}
