// The runner: builds a sim::Network from a checked TopologyConfig, runs it
// and writes the outputs of docs/strata-net.md (LINK.pcap, REPLAY.rx.pcap,
// summary.json, trace.jsonl).
#pragma once

#include <filesystem>
#include <string>

#include <strata/core/config_error.hpp>

#include "config.hpp"

namespace strata::net {

struct RunOptions {
    std::filesystem::path out_dir;
    /// Where replay files are found when their names are relative (the
    /// topology file's folder).
    std::filesystem::path base_dir;
    bool trace = false;
    /// Tell the run as numbered steps (narration.txt, RunOutcome::narration).
    bool narrate = false;
    /// The run stops after the first 1 ms slice of virtual time in which
    /// more than this many frames in all have left link ends (0: no limit).
    std::uint64_t max_frames = 10'000'000;
};

/// How a run ended.
struct RunOutcome {
    enum class Status { completed, bad_topology, output_failed } status = Status::completed;
    /// For bad_topology: what is wrong, with its key path ("nodes[3].file").
    ConfigError error;
    /// For output_failed: what could not be written.
    std::string output_error;
    /// completed, but cut short by RunOptions::max_frames (outputs written).
    bool stopped_early = false;
    /// With RunOptions::narrate: the numbered steps, one per line.
    std::string narration;
};

[[nodiscard]] RunOutcome run_topology(const TopologyConfig& topology, const RunOptions& options);

} // namespace strata::net
