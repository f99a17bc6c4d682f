// A user layer may bring its own engine, but the engine must meet
// stack::UserEngine; one without receive/poll/poll_at is refused by name.
// expect: must meet stack::UserEngine
#include <strata/layer/ethernet.hpp>
#include <strata/layer/ipv4.hpp>
#include <strata/stack/host.hpp>

struct MyLayer {};
struct NotAnEngine {};

template <>
struct strata::stack::engine_for<MyLayer> {
    using type = NotAnEngine;
};

int main() {
    strata::stack::Host<strata::Ethernet<strata::IPv4<MyLayer>>>* host = nullptr;
    return host == nullptr ? 0 : static_cast<int>(host->port_count());
}
