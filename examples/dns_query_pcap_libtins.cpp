// Task (b) of docs/tasks.md written with libtins, for the line count and to
// check the strata version through tshark: a DNS A query for
// www.example.com in Ethernet/IPv4/UDP, written to a pcap file.
//
//   example_dns_query_pcap_libtins OUT.pcap
#include <cstdio>

#include <tins/tins.h>

// [task]
using namespace Tins;

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    DNS dns;
    dns.id(0x1234);
    dns.recursion_desired(1);
    dns.add_query(DNS::query("www.example.com", DNS::A, DNS::IN));
    EthernetII frame = EthernetII("02:00:00:00:00:01", "02:00:00:00:00:02") /
                       IP("192.168.1.1", "192.168.1.2") / UDP(53, 53000) / dns;
    PacketWriter(argv[1], DataLinkType<EthernetII>()).write(frame);
}
// [/task]
