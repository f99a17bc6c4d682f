// strata-dissect FILE [--jsonl | --summary]: decodes every frame of a pcap or
// pcapng capture with strata's wire views (docs/dissect.md). Frames are read
// and printed one at a time, so memory stays constant whatever the capture.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "dissect.hpp"

int main(int argc, char** argv) {
    namespace sd = strata::dissect;
    CLI::App app{"Decodes a pcap/pcapng capture with strata's wire views and prints JSON "
                 "(scheme_version 1, see docs/dissect.md)."};
    std::string path;
    bool jsonl = false;
    bool summary = false;
    app.add_option("FILE", path, "capture file (pcap or pcapng)")->required();
    auto* jl = app.add_flag("--jsonl", jsonl, "one frame object per line (streaming)");
    app.add_flag("--summary", summary, "one packet-list line per frame")->excludes(jl);
    app.set_version_flag("--version", std::string(sd::dissector_version));
    CLI11_PARSE(app, argc, argv);

    std::string why;
    auto reader = strata::PcapReader::open(path, &why);
    if (!reader) {
        std::cerr << "strata-dissect: " << path << ": " << strata::to_string(reader.error());
        if (!why.empty()) std::cerr << " (" << why << ")";
        std::cerr << "\n";
        return 1;
    }
    const int link = reader->link_type();
    std::ios::sync_with_stdio(false);
    std::ostream& out = std::cout;
    if (!jsonl && !summary) {
        const nlohmann::json head{{"pcap", std::filesystem::path(path).filename().string()},
                                  {"dissector", sd::dissector_name},
                                  {"dissector_version", sd::dissector_version},
                                  {"scheme_version", sd::scheme_version}};
        std::string h = sd::to_line(head);
        h.pop_back(); // the closing brace: frames follow
        out << h << ",\"frames\":[";
    }
    sd::SummaryContext ctx;
    std::size_t n = 0;
    int rc = 0;
    for (;;) {
        auto next = reader->next();
        if (!next) {
            std::cerr << "strata-dissect: " << path << ": " << strata::to_string(next.error());
            if (!reader->last_error_text().empty())
                std::cerr << " (" << reader->last_error_text() << ")";
            std::cerr << "\n";
            rc = 1;
            break;
        }
        if (!*next) break;
        const strata::PcapFrame& frame = **next;
        const nlohmann::json f = sd::dissect_frame(++n, frame, link);
        if (summary) {
            out << sd::summary_line(f, frame.timestamp, ctx) << '\n';
        } else if (jsonl) {
            out << sd::to_line(f) << '\n';
        } else {
            if (n > 1) out << ",\n";
            out << sd::to_line(f);
        }
    }
    if (!jsonl && !summary) out << "]}\n";
    out.flush();
    return rc;
}
