// Task (a) of docs/tasks.md written with libtins, for the line count and to
// check example_five_tuple's output: the 5-tuple of every TCP or UDP frame.
//
//   example_five_tuple_libtins FILE.pcap
#include <cstdio>

#include <tins/tins.h>

// [task]
using namespace Tins;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    FileSniffer sniffer(argv[1]);
    sniffer.sniff_loop([](PDU& pdu) {
        const IP* ip = pdu.find_pdu<IP>();
        if (ip == nullptr) return true;
        if (const TCP* tcp = pdu.find_pdu<TCP>())
            std::printf("tcp %s:%u -> %s:%u\n", ip->src_addr().to_string().c_str(), tcp->sport(),
                        ip->dst_addr().to_string().c_str(), tcp->dport());
        else if (const UDP* udp = pdu.find_pdu<UDP>())
            std::printf("udp %s:%u -> %s:%u\n", ip->src_addr().to_string().c_str(), udp->sport(),
                        ip->dst_addr().to_string().c_str(), udp->dport());
        return true;
    });
}
// [/task]
