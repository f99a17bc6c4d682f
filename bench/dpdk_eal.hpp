// DPDK's EAL as the peer benchmarks start it: no hugepages, no PCI, no shared
// config, no telemetry, one lcore — the first CPU the process may run on, so
// `taskset -c N` decides where the peer runs too — and AVX-512 allowed (DPDK
// 22.11 caps SIMD at 256 bits unless told). Include only where
// STRATA_HAVE_DPDK is set.
#pragma once

#include <cstdio>
#include <iterator>
#include <string>

#include <rte_eal.h>
#include <rte_errno.h>
#include <sched.h>

namespace strata::bench {

/// true when the EAL started; otherwise prints why and which benchmarks are
/// skipped (`skipped`, e.g. "rte_acl").
inline bool init_dpdk_eal(const char* program, const char* memory_mb, const char* skipped) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int cpu = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set))
            ++cpu;
    const std::string lcore = std::to_string(cpu);
    const char* eal_args[] = {program,
                              "--no-huge",
                              "--no-pci",
                              "-m",
                              memory_mb,
                              "--no-shconf",
                              "-l",
                              lcore.c_str(),
                              "--no-telemetry",
                              "--force-max-simd-bitwidth=512",
                              "--log-level=error"};
    int n = static_cast<int>(std::size(eal_args));
    if (rte_eal_init(n, const_cast<char**>(eal_args)) >= 0) return true;
    std::fprintf(stderr, "DPDK EAL init failed (%s): %s skipped\n", rte_strerror(rte_errno),
                 skipped);
    return false;
}

} // namespace strata::bench
