// The foundation demo: build the first frames of "typing a URL" — an ARP
// request for the gateway, a DNS query for the name, a TCP SYN to the web
// server — print each one layer by layer, and write them to a pcap file that
// Wireshark or `tshark -r` opens.
//
//   example_demo [out.pcap]
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <strata/io/pcap_writer.hpp>
#include <strata/layers.hpp>
#include <strata/wire/dns/builder.hpp>

using namespace strata;

namespace {

using AnyFrame = Ethernet<OneOf<ARP, IPv4<OneOf<TCP<OneOf<HTTP>>, UDP<OneOf<DNS>>, ICMP>>>>;

const MacAddress host_mac{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
const MacAddress gateway_mac{0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe};
const Ipv4Address host_ip(192, 168, 1, 10);
const Ipv4Address gateway_ip(192, 168, 1, 1);
const Ipv4Address resolver_ip(192, 168, 1, 1);
const Ipv4Address server_ip(93, 184, 216, 34);

void print_layer(std::type_identity<Ethernet<>>, const EthernetView<const Byte>& v) {
    std::printf("  Ethernet  %s -> %s  type 0x%04x\n", to_string(v.src()).c_str(),
                to_string(v.dst()).c_str(), static_cast<unsigned>(v.ethertype()));
}
void print_layer(std::type_identity<ARP>, const ArpView<const Byte>& v) {
    std::printf("  ARP       op %u  who has %s? tell %s (%s)\n",
                static_cast<unsigned>(v.operation()), to_string(v.target_protocol_addr()).c_str(),
                to_string(v.sender_protocol_addr()).c_str(),
                to_string(v.sender_hardware_addr()).c_str());
}
void print_layer(std::type_identity<IPv4<>>, const Ipv4View<const Byte>& v) {
    std::printf("  IPv4      %s -> %s  ttl %u  proto %u  len %u  checksum %s\n",
                to_string(v.src()).c_str(), to_string(v.dst()).c_str(), v.ttl(),
                static_cast<unsigned>(v.protocol()), v.total_len(),
                v.verify_checksum() ? "ok" : "BAD");
}
void print_layer(std::type_identity<UDP<>>, const UdpView<const Byte>& v) {
    std::printf("  UDP       %u -> %u  len %u\n", v.src_port().value(), v.dst_port().value(),
                v.length());
}
void print_layer(std::type_identity<TCP<>>, const TcpView<const Byte>& v) {
    std::printf("  TCP       %u -> %u  seq %u  flags 0x%03x  window %u  header %zu bytes\n",
                v.src_port().value(), v.dst_port().value(), v.seq_number().value(),
                v.flags().bits(), v.window(), v.header_len());
}
void print_layer(std::type_identity<DNS>, const dns::MessageView<const Byte>& v) {
    std::printf("  DNS       id 0x%04x  %s", v.id(), v.qr() ? "response" : "query");
    for (const auto& q : v.questions())
        if (q)
            std::printf("  %s type %u", q->name.to_string().c_str(),
                        static_cast<unsigned>(q->type));
    std::printf("\n");
}
template <class L, class V>
void print_layer(std::type_identity<L>, const V&) {
    std::printf("  %s\n", std::string(L::name).c_str());
}

/// Prints a frame layer by layer as decode<AnyFrame> sees it.
void print_frame(const char* title, Bytes frame) {
    std::printf("%s (%zu bytes)\n", title, frame.size());
    auto d = decode<AnyFrame>(frame);
    d.visit([](auto layer, const auto& view) {
        using L = typename decltype(layer)::type;
        if constexpr (is_instance_of<L, Ethernet>)
            print_layer(std::type_identity<Ethernet<>>{}, view);
        else if constexpr (is_instance_of<L, IPv4>)
            print_layer(std::type_identity<IPv4<>>{}, view);
        else if constexpr (is_instance_of<L, UDP>)
            print_layer(std::type_identity<UDP<>>{}, view);
        else if constexpr (is_instance_of<L, TCP>)
            print_layer(std::type_identity<TCP<>>{}, view);
        else
            print_layer(layer, view);
    });
    if (!d.ok()) std::printf("  error: %s\n", to_string(d.error()).c_str());
}

template <class T>
T must(Result<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "demo: %s: %s\n", what, to_string(r.error()).c_str());
        std::exit(1);
    }
    return std::move(*r);
}

} // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "demo.pcap";
    std::vector<std::vector<Byte>> frames;

    // 1. ARP: who has the gateway? (RFC 826), broadcast, padded to 60 bytes.
    {
        std::array<Byte, 64> buf{};
        EthernetRepr eth{MacAddress::broadcast(), host_mac, EtherType::arp};
        ArpRepr arp{ArpOperation::request, host_mac, host_ip, MacAddress{}, gateway_ip};
        auto f = must(encode<Ethernet<ARP>>(MutBytes(buf), EncodeOptions{true, false}, eth, arp),
                      "ARP request");
        frames.emplace_back(f.begin(), f.end());
    }
    // 2. DNS: A record of www.example.com, to the resolver on UDP port 53.
    {
        std::array<Byte, 512> message{};
        dns::MessageBuilder b{MutBytes(message)};
        b.set_id(0x1234);
        b.set_rd(true);
        if (!b.add_question("www.example.com", dns::RrType::a)) return 1;
        const auto query = must(b.finish(), "DNS query");
        std::array<Byte, 600> buf{};
        EthernetRepr eth{gateway_mac, host_mac, EtherType::ipv4};
        Ipv4Repr ip{};
        ip.src = host_ip;
        ip.dst = resolver_ip;
        ip.ttl = 64;
        ip.ident = 1;
        UdpRepr udp{Port{53124}, ports::dns, 0};
        auto f = must(encode<Ethernet<IPv4<UDP<DNS>>>>(MutBytes(buf), eth, ip, udp, Bytes(query)),
                      "DNS frame");
        frames.emplace_back(f.begin(), f.end());
    }
    // 3. TCP SYN to the web server, port 80, with the options Linux sends.
    {
        std::array<Byte, 128> buf{};
        EthernetRepr eth{gateway_mac, host_mac, EtherType::ipv4};
        Ipv4Repr ip{};
        ip.src = host_ip;
        ip.dst = server_ip;
        ip.ttl = 64;
        ip.ident = 2;
        ip.dont_frag = true;
        TcpRepr tcp{};
        tcp.src_port = Port{53192};
        tcp.dst_port = ports::http;
        tcp.seq_number = SeqNum{3030031227u};
        tcp.flags = TcpFlags{TcpFlags::syn_bit};
        tcp.window = 64240;
        tcp.mss = 1460;
        tcp.sack_permitted = true;
        tcp.timestamps = TcpTimestamps{934465560u, 0};
        tcp.window_scale = 7;
        auto f =
            must(encode<Ethernet<IPv4<TCP<>>>>(MutBytes(buf), eth, ip, tcp, Bytes{}), "TCP SYN");
        frames.emplace_back(f.begin(), f.end());
    }

    const char* titles[] = {"1. ARP request for the gateway", "2. DNS query for www.example.com",
                            "3. TCP SYN to the web server"};
    auto writer = must(PcapWriter::open(path), "pcap file"); // closed when it goes out of scope
    std::chrono::nanoseconds t{std::chrono::seconds{1795386584}};
    for (std::size_t i = 0; i < frames.size(); ++i) {
        print_frame(titles[i], Bytes(frames[i]));
        if (auto w = writer.write(Bytes(frames[i]), t); !w) {
            std::fprintf(stderr, "demo: %s\n", to_string(w.error()).c_str());
            return 1;
        }
        t += std::chrono::milliseconds{1};
    }
    std::printf("wrote %zu frames to %s\n", frames.size(), path.c_str());
    return 0;
}
