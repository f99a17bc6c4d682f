// TCP carries applications, not frames.
// expect: TCP<Inner>: Inner must be a stream application layer
#include <strata/layer/decode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/tcp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::TCP<strata::Ethernet<>>>(bytes);
    return static_cast<int>(d.depth());
}
