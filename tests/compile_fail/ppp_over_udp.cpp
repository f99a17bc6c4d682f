// UDP carries applications chosen by port, not PPP frames.
// expect: UDP<Inner>: Inner must be an application layer
#include <strata/layer/decode.hpp>
#include <strata/layer/ppp.hpp>
#include <strata/layer/udp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::UDP<strata::PPP<>>>(bytes);
    return static_cast<int>(d.depth());
}
