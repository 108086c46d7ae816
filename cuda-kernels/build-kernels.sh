#!/usr/bin/env bash
# Compiles Galvani's CUDA kernels into one fatbin, called by Maven (exec-maven-plugin, generate-resources).
#   build-kernels.sh SOURCE_DIR OUTPUT_DIR
# Writes OUTPUT_DIR/galvani.fatbin (SASS for sm_80, sm_86, sm_89, sm_90, sm_100 and sm_120, those this
# nvcc supports, plus PTX of the newest of them for later GPUs) and OUTPUT_DIR/kernels.properties
# (what was built, read by the CUDA backend). Any compiler warning fails the build. Without nvcc
# (not on the PATH, not under $CUDA_HOME or /usr/local/cuda) it says so once and succeeds: the jar then
# has no fatbin, and Device.cuda(...) says that Galvani was built without nvcc.
set -euo pipefail
src=$1 out=$2
mkdir -p "$out"
props=$out/kernels.properties

nvcc=${NVCC:-}
[ -z "$nvcc" ] && nvcc=$(command -v nvcc 2>/dev/null || true)
[ -z "$nvcc" ] && [ -n "${CUDA_HOME:-}" ] && [ -x "$CUDA_HOME/bin/nvcc" ] && nvcc=$CUDA_HOME/bin/nvcc
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "[galvani] nvcc not found (PATH, CUDA_HOME, /usr/local/cuda): the CUDA kernels were NOT built; the CUDA backend will say so"
  rm -f "$out/galvani.fatbin"
  printf 'built=false\nreason=nvcc was not found when Galvani was built\n' > "$props"
  exit 0
fi

# Up to date: nothing to do when the fatbin is newer than every source and this script.
fatbin=$out/galvani.fatbin
if [ -s "$fatbin" ] && [ -f "$props" ] && [ -z "$(find "$src" "$0" -newer "$fatbin" -print -quit)" ]; then
  echo "[galvani] CUDA kernels up to date ($(grep '^archs=' "$props" | cut -d= -f2))"
  exit 0
fi

supported=" $("$nvcc" --list-gpu-code 2>/dev/null | tr '\n' ' ') "
gencode=() archs=() newest=
for sm in 80 86 89 90 100 120; do
  if [[ $supported == *" sm_$sm "* ]]; then
    gencode+=(-gencode "arch=compute_$sm,code=sm_$sm"); archs+=("sm_$sm"); newest=$sm
  fi
done
if [ -z "$newest" ]; then
  echo "[galvani] $nvcc supports none of sm_80 .. sm_120" >&2
  exit 1
fi
gencode+=(-gencode "arch=compute_$newest,code=compute_$newest")    # PTX for GPUs newer than the newest SASS

version=$("$nvcc" --version | sed -n 's/^Cuda compilation tools, //p')
echo "[galvani] compiling CUDA kernels with nvcc ($version) for ${archs[*]} + compute_$newest PTX"
start=$(date +%s)
# --compress-mode=size: the fatbin is loaded once, so its size (what travels with the jar and to a GPU
# machine) matters more than its decompression time.
# --fmad=false: no contraction of a*b+c into FMA, so element-wise results and the fused LIF forward
# equal the CPU's bit for bit; kernels that want FMA (GEMM) call fmaf explicitly.
"$nvcc" -fatbin -o "$fatbin.tmp" -std=c++17 -O3 --fmad=false --threads 0 --compress-mode=size -Werror all-warnings -Xcompiler -Wall,-Werror \
    "${gencode[@]}" "$src/galvani.cu"
mv "$fatbin.tmp" "$fatbin"
{
  echo "built=true"
  echo "nvcc=$version"
  echo "archs=${archs[*]} compute_$newest"
} > "$props"
echo "[galvani] CUDA kernels built in $(( $(date +%s) - start )) s: $(stat -c %s "$fatbin") bytes"
