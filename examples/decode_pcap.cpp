// Walks a capture with a stack the user chooses, frame by frame in constant
// memory, and prints what each frame holds — or where and why it stopped.
//
//   example_decode_pcap FILE.pcap|FILE.pcapng
//
// The stack below covers the reference journey's home network: ARP, VLAN
// tags, PPPoE sessions, ICMP, DNS over UDP and HTTP over TCP.
#include <cstdio>
#include <map>
#include <string>

#include <strata/io/pcap_reader.hpp>
#include <strata/layers.hpp>

using namespace strata;

using Ip = IPv4<OneOf<TCP<OneOf<HTTP>>, UDP<OneOf<DNS>>, ICMP>>;
using HomeNetwork =
    Ethernet<OneOf<ARP, Ip, Dot1Q<OneOf<Ip, ARP>>, PPPoE<PPP<OneOf<LCP, IPCP, PAP, CHAP, Ip>>>>>;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
        return 2;
    }
    std::string why;
    auto reader = PcapReader::open(argv[1], &why);
    if (!reader) {
        std::fprintf(stderr, "%s: %s (%s)\n", argv[1], to_string(reader.error()).c_str(),
                     why.c_str());
        return 1;
    }
    std::size_t n = 0, complete = 0;
    std::map<std::string, std::size_t> layer_counts;
    for (;;) {
        auto next = reader->next();
        if (!next) {
            std::fprintf(stderr, "%s: %s\n", argv[1], to_string(next.error()).c_str());
            return 1;
        }
        if (!*next) break;
        ++n;
        const auto d = decode<HomeNetwork>((*next)->data);
        std::string path;
        auto walk = d; // visit() walks a mutable copy of the (view-only) chain
        walk.visit([&](auto layer, const auto&) {
            using L = typename decltype(layer)::type;
            if (!path.empty()) path += '/';
            path.append(L::name);
            ++layer_counts[std::string(L::name)];
        });
        std::printf("%4zu  %5u bytes  %-28s", n, (*next)->caplen, path.c_str());
        if (const auto* ip = d.find<IPv4>())
            std::printf("  %s -> %s", to_string(ip->src()).c_str(), to_string(ip->dst()).c_str());
        if (const auto* h = d.find<HTTP>()) {
            if (h->is_request())
                std::printf("  %s %s", std::string(h->request().method_name()).c_str(),
                            std::string(h->request().target).c_str());
            else
                std::printf("  %u %s", static_cast<unsigned>(h->response().status),
                            std::string(h->response().reason).c_str());
        }
        if (const auto* q = d.find<DNS>()) {
            for (const auto& question : q->questions())
                if (question)
                    std::printf("  %s? %s", q->qr() ? "answer" : "query",
                                question->name.to_string().c_str());
        }
        if (d.ok())
            ++complete;
        else
            std::printf("  [stopped: %s]", to_string(d.error()).c_str());
        std::printf("\n");
    }
    std::printf("%zu frames, %zu decoded to the end of the stack\n", n, complete);
    for (const auto& [name, count] : layer_counts)
        std::printf("  %-10s %zu\n", name.c_str(), count);
    return n > 0 ? 0 : 1;
}
