// A host stack must be Ethernet<IPv4<transport>>: TCP straight on Ethernet
// names no network layer, so the host refuses it with one sentence.
// expect: Host<Stack>: Stack must be Ethernet<IPv4<Inner>>
#include <strata/layer/ethernet.hpp>
#include <strata/layer/tcp.hpp>
#include <strata/stack/host.hpp>

int main() {
    strata::stack::Host<strata::Ethernet<strata::TCP<>>>* host = nullptr;
    return host == nullptr ? 0 : static_cast<int>(host->port_count());
}
