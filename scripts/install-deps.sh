#!/usr/bin/env bash
# Installs the Debian 12 packages strata needs that are not there yet.
#   install-deps.sh demo   what the demo needs
#   install-deps.sh all    what every test, benchmark peer and tool needs
set -euo pipefail

what=${1:-all}

demo_packages=(g++ cmake ninja-build pkg-config libboost1.81-dev librange-v3-dev libpcap-dev tshark
  libcli11-dev nlohmann-json3-dev python3)  # strata-net and the summary print
all_packages=("${demo_packages[@]}"
  clang-14 libclang-rt-14-dev   # the clang build and libFuzzer
  catch2 libbenchmark-dev       # tests and benchmarks
  libpcap-dev libcli11-dev nlohmann-json3-dev libfmt-dev  # capture I/O and tools
  tcpdump iproute2 procps python3 nftables  # capture tests; Linux as the reference router (tests/linux)
  iputils-ping arping curl socat nginx-light  # Linux peers of strata hosts on TAP (tests/io, tools/strata-host)
  liblwip-dev                   # lwIP, the second TCP in tcp_bulk and tcp_interop
  zlib1g-dev libisal-dev libtins-dev libdpdk-dev libhttp-parser-dev libldns-dev  # benchmark peers
)

case "$what" in
  demo) wanted=("${demo_packages[@]}") ;;
  all) wanted=("${all_packages[@]}") ;;
  *) echo "usage: $0 [demo|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
