#!/usr/bin/env bash
# Linux as the reference router (docs/linux-comparison.md): runs the cases of
# tests/linux through Linux in network namespaces and, given --strata-net, through
# strata-net, and compares them frame by frame. Run as root from anywhere:
#   scripts/linux-router.sh [--strata-net PATH | --linux-only] [--case NAME]... [--work DIR]
# Without --strata-net or --linux-only it uses build/dev/tools/strata-net when built.
# Exit status 0 passed, 1 failed, 77 skipped (not root, no network namespaces).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
args=("$@")
if [[ " ${args[*]-} " != *" --strata-net "* && " ${args[*]-} " != *" --linux-only "* && " ${args[*]-} " != *" --list "* ]]; then
    if [[ -x $root/build/dev/tools/strata-net ]]; then
        args+=(--strata-net "$root/build/dev/tools/strata-net")
    else
        args+=(--linux-only)
    fi
fi
exec python3 "$root/tests/linux/run.py" "${args[@]}"
