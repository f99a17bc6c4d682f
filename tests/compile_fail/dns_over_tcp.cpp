// DNS over TCP is length-framed (RFC 1035 §4.2.2): not a per-segment layer.
// expect: DNS over TCP is length-framed
#include <strata/layer/decode.hpp>
#include <strata/layer/dns.hpp>
#include <strata/layer/tcp.hpp>

int main() {
    const strata::Byte bytes[64]{};
    auto d = strata::decode<strata::TCP<strata::DNS>>(bytes);
    return static_cast<int>(d.depth());
}
