#!/usr/bin/env python3
"""Linux as the reference router: runs each case through Linux (network
namespaces, tests/linux/linux_router.py) and through strata-net, checks both
against what the RFCs require (cases.py) and compares them frame by frame
(compare.py). docs/linux-comparison.md explains what is compared.

    run.py --strata-net PATH [--case NAME]... [--work DIR]
    run.py --linux-only [--case NAME]...      the Linux side and the RFC checks alone
    run.py --list

Exit status: 0 all passed, 1 a failure, 77 skipped (not root, or no network
namespaces on this machine: ctest's SKIP_RETURN_CODE), 2 bad usage.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases as C  # noqa: E402
import compare  # noqa: E402
import linux_router  # noqa: E402
import netpkt as P  # noqa: E402
import strata_net  # noqa: E402


def parse(outs):
    return {port: [P.parse_frame(f) for f in frames] for port, frames in outs.items()}


def comparison_can_fail(case, linux):
    """The comparison must see a one-byte change in a forwarded or generated
    frame: a TTL one higher in Linux's first IPv4 frame, given to it as
    another router's output."""
    for port, frames in linux.items():
        for i, frame in enumerate(frames):
            if len(frame) > 22 and frame[12:14] == b"\x08\x00":
                bent = bytearray(frame)
                bent[22] = (bent[22] + 1) & 0xFF
                other = dict(linux)
                other[port] = frames[:i] + [bytes(bent)] + frames[i + 1:]
                mismatches, notes = compare.compare(case, parse(linux), parse(other))
                return bool(mismatches or notes)
    return True


def run_case(case, args, work):
    problems = []
    t = time.monotonic()
    with linux_router.LinuxRouter(case, work) as router:
        linux = router.run()
    linux_s = time.monotonic() - t
    for line in case.expect(parse(linux)):
        problems.append(f"linux vs RFC: {line}")
    same, _ = compare.compare(case, parse(linux), parse(linux))
    if same:
        problems.append("the comparison finds Linux different from itself: " + same[0])
    if not comparison_can_fail(case, linux):
        problems.append("the comparison did not see a changed TTL")
    notes = []
    strata_s = 0.0
    if not args.linux_only:
        t = time.monotonic()
        try:
            strata = strata_net.run(args.strata_net, case, work)
        except strata_net.StrataError as e:
            problems.append(f"strata-net: {e}")
            strata = None
        strata_s = time.monotonic() - t
        if strata is not None:
            for line in case.expect(parse(strata)):
                problems.append(f"strata vs RFC: {line}")
            mismatches, notes = compare.compare(case, parse(linux), parse(strata))
            problems.extend(mismatches)
    return problems, notes, linux_s, strata_s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strata-net", help="the strata-net executable")
    ap.add_argument("--linux-only", action="store_true")
    ap.add_argument("--case", action="append", help="run only this case (repeatable)")
    ap.add_argument("--work", help="keep the pcaps and topologies here (default: a temporary "
                    "directory, removed)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()

    all_cases = C.all_cases()
    if args.list:
        for c in all_cases:
            print(f"{c.name:16} {c.title}")
        return 0
    if not args.linux_only and not args.strata_net:
        ap.error("--strata-net PATH or --linux-only")
    if args.strata_net and not os.access(args.strata_net, os.X_OK):
        ap.error(f"{args.strata_net} is not an executable")
    chosen = all_cases
    if args.case:
        known = {c.name: c for c in all_cases}
        unknown = [n for n in args.case if n not in known]
        if unknown:
            ap.error(f"unknown case {', '.join(unknown)} (see --list)")
        chosen = [known[n] for n in args.case]

    try:
        linux_router.check_can_run()
    except linux_router.Skip as e:
        print(f"SKIP: {e}")
        return 77

    root = args.work or tempfile.mkdtemp(prefix="strata-linux-")
    passed = failed = skipped = 0
    try:
        for case in chosen:
            if case.nat and not linux_router.have("nft"):
                print(f"SKIP {case.name:16} nft is not installed (Debian package nftables)")
                skipped += 1
                continue
            work = os.path.join(root, case.name)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            try:
                problems, notes, ls, ss = run_case(case, args, work)
            except linux_router.HarnessError as e:
                problems, notes, ls, ss = [f"the Linux harness failed: {e}"], [], 0, 0
            verdict = "FAIL" if problems else "ok"
            if case.known and problems:
                verdict = "known"
                notes = [f"known mismatch, not failing: {case.known}"] + notes
            elif case.known:
                notes = [f"passes now: the known mismatch ({case.known}) is gone; remove "
                         "Case.known in cases.py"] + notes
            side = "linux" if args.linux_only else "linux vs strata"
            print(f"{verdict:4} {case.name:16} {side}: {case.title} "
                  f"[linux {ls:.1f} s, strata {ss:.1f} s]")
            for line in notes:
                print(f"     note: {line}")
            for line in problems:
                print(f"     {line}")
            if problems and verdict == "FAIL":
                failed += 1
                print(f"     (pcaps and topologies: {work})" if args.work else "", end="")
                print() if args.work else None
            else:
                passed += 1
    finally:
        if not args.work:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    if failed:
        return 1
    return 77 if skipped and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
