#!/usr/bin/env bash
# Compiles the grid-stride CUDA kernels as host code (src/test/host/host_shim.h) with g++ and runs
# kernel_check.cpp, which checks their index arithmetic against naive loops: the part of the kernels
# that can be tested without a GPU. Called by Maven in the test phase:
#   host-check.sh CUDA_SOURCES HOST_TEST_SOURCES BUILD_DIR
# Without g++ it says so once and succeeds.
set -euo pipefail
cuda=$1 host=$2 out=$3
cxx=${CXX:-$(command -v g++ 2>/dev/null || true)}
if [ -z "$cxx" ]; then
  echo "[galvani] g++ not found: the host emulation of the CUDA kernels was NOT checked"
  exit 0
fi
mkdir -p "$out"
"$cxx" -std=c++17 -O1 -Wall -Wno-unknown-pragmas -Wno-sign-compare -Wno-unused-function -Werror -I "$host" -I "$cuda" \
    -o "$out/kernel_check" "$host/kernel_check.cpp"
"$out/kernel_check"
