// Task (a) of docs/tasks.md: the 5-tuple (protocol, source address and port,
// destination address and port) of every TCP or UDP frame of a capture, one
// line each, streamed in constant memory and without allocating per frame.
//
//   example_five_tuple FILE.pcap
//
// The libtins version of the same task is five_tuple_libtins.cpp; ctest runs
// both on the same captures and compares their output (and tshark's).
#include <cstdio>

#include <strata/io/pcap_reader.hpp>
#include <strata/layers.hpp>

// [task]
using namespace strata;

void print(const char* proto, const auto& ip, const auto& l4) {
    std::printf("%s %s:%u -> %s:%u\n", proto, to_string(ip.src()).c_str(), l4.src_port().value(),
                to_string(ip.dst()).c_str(), l4.dst_port().value());
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    auto pcap = PcapReader::frames(argv[1]);
    for (const PcapFrame& frame : pcap) {
        const auto d = decode<Ethernet<IPv4<OneOf<TCP<>, UDP<>>>>>(frame.data);
        if (const auto* tcp = d.find<TCP>()) print("tcp", d.get<IPv4>(), *tcp);
        if (const auto* udp = d.find<UDP>()) print("udp", d.get<IPv4>(), *udp);
    }
    if (pcap.error()) std::fprintf(stderr, "%s\n", to_string(*pcap.error()).c_str());
    return pcap.error() ? 1 : 0;
}
// [/task]
