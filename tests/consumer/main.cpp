// An outside program: a few header-only pieces (strata::strata) and a
// capture written with PcapVectorWriter, then read back through libpcap
// (strata::pcap).
#include <chrono>
#include <cstdio>
#include <vector>

#include <strata/addr/ipv4_prefix.hpp>
#include <strata/checksum/internet.hpp>
#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>

int main() {
    auto p = strata::Ipv4Prefix::parse("10.11.12.13/255.255.255.0");
    if (!p || p->length() != 24) return 1;
    const strata::Byte hdr[] = {0x45, 0x00, 0x00, 0x1c};
    const std::uint16_t sum = strata::checksum::internet_checksum(hdr);
    if (sum != 0xbae3) return 2;

    std::vector<strata::Byte> file;
    auto w = strata::PcapVectorWriter::create(strata::VectorSink(file));
    if (!w || !w->write(hdr, std::chrono::seconds(1)) || !w->write(hdr, std::chrono::seconds(2)))
        return 3;
    auto r = strata::PcapReader::open_buffer(file);
    if (!r) return 4;
    int frames = 0;
    for (;;) {
        auto f = r->next();
        if (!f) return 5;
        if (!f->has_value()) break;
        const strata::PcapFrame& fr = **f;
        if (fr.data.size() != sizeof hdr || fr.data[0] != 0x45) return 6;
        if (fr.timestamp != std::chrono::seconds(frames + 1)) return 7;
        ++frames;
    }
    if (frames != 2) return 8;
    std::printf("consumer: %s sum=%04x frames=%d\n", strata::to_string(p->network()).c_str(), sum,
                frames);
    return 0;
}
