// A type without the node contract (here: no poll_at, no drops) cannot be
// added to a simulated network; the message says what a node needs.
// expect: sim::Network::add: this type is not a node
#include <cstddef>

#include <strata/sim/network.hpp>

struct NotANode {
    std::size_t port_count() const { return 1; }
};

int main() {
    strata::sim::Network net(1);
    auto n = net.add("x", NotANode{});
    return static_cast<int>(strata::sim::to_index(strata::sim::NodeId{n}));
}
