// TCP's checksum covers the network layer's pseudo-header: encoding a
// segment with no network layer outside it is refused (it used to write
// checksum 0 silently).
// expect: TCP<...>: a segment is encoded inside a network layer
#include <array>

#include <strata/layer/encode.hpp>
#include <strata/layer/tcp.hpp>

int main() {
    std::array<strata::Byte, 64> buf{};
    strata::TcpRepr tcp{};
    auto r = strata::encode<strata::TCP<>>(strata::MutBytes(buf), tcp);
    return r ? 0 : 1;
}
