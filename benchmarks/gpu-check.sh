#!/usr/bin/env bash
# Galvani's GPU check and benchmark, run by ../shared/device/run.sh on the lent GPU machine after the
# JUnit tests tagged "cuda" (or by hand on any Linux machine with an NVIDIA GPU):
#   JAVA=... GALVANI_CP=... [JAVA_FLAGS=...] [OUT=dir] bash benchmarks/gpu-check.sh
# Writes at most three files into $OUT (run.sh writes machine.txt, cuda-tests.txt and junit/ itself):
#   cuda-summary.txt   the cuda tests' totals and failures, the device as Galvani sees it, nvidia-smi
#   gpu-bench.md       Galvani against PyTorch on the same GPU in the same run, with ratios
#   gpu-raw.tsv        both sides' raw timings
# Budget: the benchmarks stop after 4 minutes 40 s whatever happens (each side has its own timeout: 170 s for
# Galvani, whose CNN epoch and first calls run in a fresh JVM, 110 s for PyTorch); both sides write each row as
# it is measured, so a timeout loses only the rows not reached.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${JAVA:?set JAVA to a Java 25 binary}" "${GALVANI_CP:?set GALVANI_CP to the Galvani classpath}"
JAVA_FLAGS=${JAVA_FLAGS:---add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}
OUT=${OUT:-/tmp/galvani-out}
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

summary=$OUT/cuda-summary.txt
{
  echo "== nvidia-smi"
  nvidia-smi 2>&1 | head -20
  echo
  echo "== cuda-tagged JUnit tests (from cuda-tests.txt)"
  if [ -f "$OUT/cuda-tests.txt" ]; then
    grep -E 'tests (successful|failed|aborted|skipped|found)|containers failed' "$OUT/cuda-tests.txt" || true
    echo "-- failures (first 60 lines):"
    grep -E '✘|MethodSource|=> ' "$OUT/cuda-tests.txt" | head -60 || true
  else
    echo "(not run here)"
  fi
} > "$summary" 2>&1

echo "== Galvani GPU benchmarks"
# shellcheck disable=SC2086
timeout 170 "$JAVA" $JAVA_FLAGS -Xmx8g -cp "$GALVANI_CP" dev.galvani.benchmarks.gpu.GpuBench "$tmp/galvani.tsv" 2>&1 | tail -30
echo "== PyTorch on the same GPU"
py=${PYTHON:-python3}
timeout 110 "$py" "$here/scripts/gpu_bench_torch.py" "$tmp/torch.tsv" 2>&1 | tail -20

{ echo "# galvani"; cat "$tmp/galvani.tsv" 2>/dev/null; echo "# torch"; cat "$tmp/torch.tsv" 2>/dev/null; } > "$OUT/gpu-raw.tsv"
grep -m1 '^# ' "$tmp/galvani.tsv" 2>/dev/null | sed 's/^# /device: /' >> "$summary"

"$py" - "$tmp/galvani.tsv" "$tmp/torch.tsv" "$OUT/gpu-bench.md" <<'PY'
import sys
def read(path):
    rows, notes = {}, []
    try:
        for line in open(path):
            if line.startswith("#"):
                notes.append(line[1:].strip()); continue
            name, ms, work = line.rstrip("\n").split("\t")
            rows[name] = (float(ms), int(work))
    except FileNotFoundError:
        pass
    return rows, notes
g, gn = read(sys.argv[1]); t, tn = read(sys.argv[2])
# Galvani's row -> the PyTorch-side rows it is compared with (default: the row of the same name); a row with
# two peers gets one line per peer. The CuPy row is a hand-fused kernel of the project's own, run by the
# PyTorch script as the fused peer of Galvani's fused LIF (PyTorch eager is the other).
peers = {"sgemm4096_own": ["sgemm4096"], "sgemm4096_cublas": ["sgemm4096"], "sgemm4096_own_matmul": ["sgemm4096"],
         "sgemm4096_own_tf32": ["sgemm4096_tf32"],
         "lif_fwd_bwd_T32_N2^20": ["lif_fwd_bwd_T32_N2^20", "lif_fwd_bwd_T32_N2^20_cupy_fused"]}
copy = g.get("copy", (None,))[0]
out = ["# Galvani on the GPU against PyTorch, same machine, same run", ""]
out += [f"- Galvani: {n}" for n in gn] + [f"- PyTorch: {n}" for n in tn] + [""]
out += ["| benchmark | Galvani ms | peer (PyTorch script's row) | peer ms | peer / Galvani (higher: Galvani faster) | Galvani throughput | share of Galvani's copy bandwidth |",
        "|---|---|---|---|---|---|---|"]
for name, (ms, work) in g.items():
    if name.startswith(("sgemm", "conv", "linear_lif")):
        thr, share = f"{work / ms / 1e9:.1f} TFLOP/s", ""
    elif name.startswith("cnn_epoch"):
        thr, share = f"{work / ms * 1e3:.0f} images/s", ""
    else:
        thr = f"{work / ms / 1e6:.0f} GB/s"
        share = f"{(work / ms) / (g['copy'][1] / copy) * 100:.0f} %" if copy else ""
    for peer in peers.get(name, [name]):
        p = t.get(peer)
        if p:
            ratio = f"{p[0] / ms:.2f}" if ms > 0 else "n/a"
            out.append(f"| {name} | {ms:.3f} | {peer} | {p[0]:.3f} | {ratio} | {thr} | {share} |")
        else:
            out.append(f"| {name} | {ms:.3f} | {peer} | n/a | n/a | {thr} | {share} |")
open(sys.argv[3], "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
echo "== wrote $(ls "$OUT" | tr '\n' ' ')"
