// encode wants the reprs in stack order.
// expect: encode<Stack>: an argument is not the repr of its layer
#include <strata/layer/encode.hpp>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>

int main() {
    strata::Byte buf[128]{};
    strata::Ipv4Repr ip{};
    strata::EthernetRepr eth{};
    auto r = strata::encode<strata::Ethernet<strata::IPv4<>>>(buf, ip, eth);
    return r ? 0 : 1;
}
