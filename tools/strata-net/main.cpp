// strata-net TOPOLOGY.json --out DIR [--seed N] [--until-ms T] [--trace] [--narrate]:
// runs a topology file in the simulator (docs/strata-net.md). Exit status 0
// after a completed run, 2 with one line for a bad file (or bad arguments),
// 1 when the run itself could not write its output, 3 when the run was cut
// short by --max-frames (a frame storm), its outputs written.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "loader.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
    CLI::App app{"Runs a topology file (schema 1) in strata's simulator; see docs/strata-net.md."};
    std::string topology;
    std::string out_dir;
    std::optional<std::uint64_t> seed;
    std::optional<std::uint64_t> until_ms;
    bool trace = false;
    app.add_option("TOPOLOGY", topology, "the topology file (JSON)")->required();
    app.add_option("--out", out_dir, "folder for the pcaps, summary.json and trace.jsonl")
        ->required();
    app.add_option("--seed", seed, "the run's seed (overrides the file's \"seed\")");
    app.add_option("--until-ms", until_ms, "stop at this virtual time (overrides \"until_ms\")");
    app.add_flag("--trace", trace, "also write trace.jsonl");
    bool narrate = false;
    app.add_flag("--narrate", narrate,
                 "print the run as numbered, named steps (also written to narration.txt)");
    std::uint64_t max_frames = 10'000'000;
    app.add_option("--max-frames", max_frames,
                   "stop once this many frames have crossed links (0 = no limit; default "
                   "10000000)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; a usage error is a bad invocation,
        // status 2 like a bad file.
        return app.exit(e) == 0 ? 0 : 2;
    }

    auto topo = strata::net::load_topology_file(topology);
    if (!topo) {
        std::cerr << strata::net::error_line(topology, topo.error()) << '\n';
        return 2;
    }
    if (seed) topo->seed = *seed;
    if (until_ms) topo->until_ms = *until_ms;
    strata::net::RunOptions opts;
    opts.out_dir = out_dir;
    opts.base_dir = std::filesystem::path(topology).parent_path();
    opts.trace = trace;
    opts.narrate = narrate;
    opts.max_frames = max_frames;
    const auto outcome = strata::net::run_topology(*topo, opts);
    switch (outcome.status) {
    case strata::net::RunOutcome::Status::completed:
        if (narrate) std::cout << outcome.narration << std::flush;
        if (outcome.stopped_early) {
            std::cerr << "strata-net: stopped at " << max_frames
                      << " frames on links (a frame storm? see --max-frames); outputs written\n";
            return 3;
        }
        return 0;
    case strata::net::RunOutcome::Status::bad_topology:
        std::cerr << strata::net::error_line(topology, outcome.error) << '\n';
        return 2;
    case strata::net::RunOutcome::Status::output_failed:
        std::cerr << "strata-net: " << outcome.output_error << '\n';
        return 1;
    }
    return 1;
}
