// Task (b) of docs/tasks.md: an Ethernet/IPv4/UDP frame carrying a DNS query
// (A, www.example.com), written to a pcap file. encode<> writes the DNS
// message in place, behind the UDP header: no second buffer, no copy.
//
//   example_dns_query_pcap OUT.pcap [COPIES]
//
// COPIES (default 1) frames are written: the allocation test runs it with 1
// and with many and checks the count of allocations does not change. After
// writing, the file is read back and the query checked; ctest checks it with
// tshark as well when it is installed. The libtins version is
// dns_query_pcap_libtins.cpp.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>
#include <strata/layers.hpp>

// [task]
using namespace strata;

int write_query(const char* path, int copies) {
    const EthernetRepr eth{.dst = {2, 0, 0, 0, 0, 1}, .src = {2, 0, 0, 0, 0, 2}};
    const Ipv4Repr ip{.src = {192, 168, 1, 2}, .dst = {192, 168, 1, 1}};
    const UdpRepr udp{.src_port = Port{53000}, .dst_port = Port{53}};
    const dns::Query query{.id = 0x1234, .name = "www.example.com", .type = dns::RrType::a};
    std::array<Byte, 128> buf;
    auto pcap = PcapWriter::open(path);
    for (int i = 0; i < copies && pcap; ++i) {
        const auto frame = encode<Ethernet<IPv4<UDP<DNS>>>>(MutBytes(buf), eth, ip, udp, query);
        if (!frame || !pcap->write(*frame)) return 1;
    }
    return pcap ? 0 : 1;
}
// [/task]

// Reads the file back: every frame must decode to the end of the stack and
// hold the query; prints it once, as tshark would show it. (Names are
// compared with NameView::equals and only the first is turned into a
// std::string, so that the check allocates nothing per frame either: the
// allocation test counts the whole program.)
int check(const char* path, int copies) {
    auto pcap = PcapReader::frames(path);
    int n = 0;
    for (const PcapFrame& frame : pcap) {
        const auto d = decode<Ethernet<IPv4<UDP<DNS>>>>(frame.data);
        if (!d.ok()) {
            std::fprintf(stderr, "frame %d: %s\n", n + 1, to_string(d.error()).c_str());
            return 1;
        }
        const auto& msg = d.get<DNS>();
        const auto& ip = d.get<IPv4>();
        const auto q = msg.questions().begin();
        if (q == msg.questions().end() || !*q) return 1;
        if (msg.id() != 0x1234 || msg.qr() || !msg.rd() || msg.qdcount() != 1 ||
            (*q)->type != dns::RrType::a || !(*q)->name.equals("www.example.com") ||
            !ip.verify_checksum() || ip.ttl() != 64 || !ip.dont_frag() ||
            !d.get<UDP>().verify_checksum(ip.src(), ip.dst()))
            return 1;
        if (n++ != 0) continue;
        const std::string name = (*q)->name.to_string();
        if (name != "www.example.com") return 1;
        std::printf("id=0x%04x name=%s type=A rd=1 ttl=%u df=1 udp_len=%u frame=%zu\n", msg.id(),
                    name.c_str(), ip.ttl(), d.get<UDP>().length(), frame.data.size());
    }
    if (pcap.error() || n != copies) return 1;
    std::printf("%d frame(s) read back from %s\n", n, path);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const int copies = argc > 2 ? std::atoi(argv[2]) : 1;
    if (write_query(argv[1], copies) != 0) return 1;
    return check(argv[1], copies);
}
