// Padding to 60 bytes and the FCS are Ethernet's: an IPv4 packet has neither.
// expect: padding and FCS are Ethernet's
#include <array>

#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>

int main() {
    std::array<strata::Byte, 64> buf{};
    strata::Ipv4Repr ip{};
    auto r = strata::encode<strata::IPv4<>>(strata::MutBytes(buf),
                                            strata::EthernetFraming{true, true}, ip);
    return r ? 0 : 1;
}
