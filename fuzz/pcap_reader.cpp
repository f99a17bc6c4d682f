// Capture files (pcap and pcapng, through libpcap) read from memory with
// PcapReader::open_buffer, and the frames written back with PcapVectorWriter
// and read again. Input: the file bytes.
//
// libpcap itself is not instrumented (the Debian build is used); what is
// checked is strata's handling of whatever libpcap hands out or refuses.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <strata/io/pcap_reader.hpp>
#include <strata/io/pcap_writer.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

struct Frame {
    std::vector<Byte> data;
    std::chrono::nanoseconds ts;
    std::uint32_t wirelen;
};

constexpr std::size_t max_frames = 64;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text;
    auto r = PcapReader::open_buffer(Bytes{data, size}, &text);
    if (!r) {
        STRATA_FUZZ_CHECK(fuzz::well_formed(r.error()));
        return 0;
    }
    fuzz::keep(r->link_type());
    fuzz::keep(r->snaplen());
    std::vector<Frame> frames;
    bool clean_end = false;
    for (std::size_t i = 0; i < max_frames; ++i) {
        auto f = r->next();
        if (!f) {
            STRATA_FUZZ_CHECK(fuzz::well_formed(f.error()));
            STRATA_FUZZ_CHECK(!r->last_error_text().empty());
            // An error is sticky.
            auto again = r->next();
            STRATA_FUZZ_CHECK(!again && again.error() == f.error());
            break;
        }
        if (!*f) {
            clean_end = true;
            // The end stays the end.
            auto again = r->next();
            STRATA_FUZZ_CHECK(again && !*again);
            break;
        }
        const PcapFrame& fr = **f;
        STRATA_FUZZ_CHECK(fr.data.size() == fr.caplen);
        frames.push_back({fuzz::copy_of(fr.data), fr.timestamp, fr.wirelen});
    }
    STRATA_FUZZ_CHECK(r->frames_read() == frames.size());
    if (!clean_end) return 0;

    // Write what was read and read it back: the same frames.
    std::vector<Byte> file;
    PcapOptions o;
    o.precision = PcapPrecision::nano;
    o.link_type = static_cast<std::uint32_t>(r->link_type());
    auto w = PcapVectorWriter::create(VectorSink{file}, o);
    STRATA_FUZZ_CHECK(w.has_value());
    for (const Frame& f : frames) {
        const std::uint32_t wl = f.wirelen < f.data.size() ? 0 : f.wirelen;
        if (!w->write(f.data, f.ts, wl)) return 0; // e.g. a timestamp before 1970
    }
    auto back = PcapReader::open_buffer(Bytes(file));
    STRATA_FUZZ_CHECK(back.has_value());
    STRATA_FUZZ_CHECK(back->link_type() == r->link_type());
    for (const Frame& f : frames) {
        auto g = back->next();
        STRATA_FUZZ_CHECK(g.has_value() && g->has_value());
        STRATA_FUZZ_CHECK(fuzz::same_bytes((*g)->data, f.data));
        STRATA_FUZZ_CHECK((*g)->timestamp == f.ts);
        if (f.wirelen >= f.data.size()) STRATA_FUZZ_CHECK((*g)->wirelen == f.wirelen);
    }
    auto end = back->next();
    STRATA_FUZZ_CHECK(end.has_value() && !end->has_value());
    return 0;
}
