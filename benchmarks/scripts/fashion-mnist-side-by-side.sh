#!/usr/bin/env bash
# The Fashion-MNIST CNN in Galvani (./galvani fashion-mnist) and the same model in PyTorch on the CPU,
# one after the other on this machine with the same batch size, epochs and thread count; writes
# benchmarks/results/fashion-mnist-<date>.md with the epoch times, their ratio and both accuracies.
#
#   benchmarks/scripts/fashion-mnist-side-by-side.sh [--epochs 5] [--threads 2]
# TORCH_PYTHON: the Python with torch (default: python3, then /tmp/torch/bin/python).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
epochs=5 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
py=${TORCH_PYTHON:-python3}
"$py" -c 'import torch' 2>/dev/null || py=/tmp/torch/bin/python
out=$root/benchmarks/results
mkdir -p "$out"
glog=$(mktemp) tlog=$(mktemp)

echo "== Galvani ($threads threads, $epochs epochs)"
GALVANI_NUM_THREADS=$threads "$root/galvani" fashion-mnist --epochs "$epochs" --out "$root/runs" | tee "$glog"
echo "== PyTorch ($threads threads, $epochs epochs)"
if "$py" -c 'import torch' 2>/dev/null; then
  "$py" "$root/benchmarks/scripts/torch_fashion_mnist.py" --epochs "$epochs" --threads "$threads" | tee "$tlog"
  torch_version=$("$py" -c 'import torch; print(torch.__version__)')
else
  echo "PyTorch is not installed for $py: only Galvani's figures are written" | tee "$tlog"
  torch_version="(not installed)"
fi

python3 - "$glog" "$tlog" "$out/fashion-mnist-$(date +%F).md" "$threads" "$epochs" "$torch_version" <<'PY'
import re, sys, platform, subprocess, datetime
glog, tlog, dest, threads, epochs, tv = sys.argv[1:]
g = open(glog).read(); t = open(tlog).read()
gep = [float(x) for x in re.findall(r"^epoch \d+: ([\d.]+) s \(", g, re.M)]
tep = [float(x) for x in re.findall(r"^epoch \d+: ([\d.]+) s, test", t, re.M)]
gacc = re.findall(r"^test accuracy ([\d.]+)%", g, re.M)
tacc = re.findall(r"test accuracy ([\d.]+)%", t)
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
java = subprocess.run(["sh", "-c", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version 2>&1 | head -1"], capture_output=True, text=True).stdout.strip()
lines = ["# Fashion-MNIST CNN, Galvani vs PyTorch on the CPU, %s" % datetime.date.today(), "",
         "Same model (conv 32 - BN - ReLU - pool, conv 64 - BN - ReLU - pool, linear 3136-128, dropout 0.25, linear 128-10),",
         "batch 128, AdamW (lr 3e-3, weight decay 1e-4) with a one-cycle schedule, %s epochs, %s threads each, run one after the other." % (epochs, threads),
         "Epoch time = the training loop of one epoch (60,000 images, 468 batches), evaluation excluded.", "",
         "| epoch | Galvani s | PyTorch s | ratio Galvani / PyTorch |", "|---:|---:|---:|---:|"]
for i in range(max(len(gep), len(tep))):
    a = gep[i] if i < len(gep) else None; b = tep[i] if i < len(tep) else None
    lines.append("| %d | %s | %s | %s |" % (i + 1, "%.1f" % a if a else "", "%.1f" % b if b else "", "%.2f" % (a / b) if a and b else ""))
if gep and tep:
    ga, ta = sum(gep) / len(gep), sum(tep) / len(tep)
    lines.append("| mean | %.1f | %.1f | **%.2f** |" % (ga, ta, ga / ta))
lines += ["", "Test accuracy after %s epochs (10,000 test images): Galvani %s%%, PyTorch %s%%." % (epochs, gacc[-1] if gacc else "?", tacc[-1] if tacc else "?"), "",
          "Machine: %s, %s cores; %s; PyTorch %s; Python %s." % (cpu, subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(), java, tv, platform.python_version()),
          "Command: `benchmarks/scripts/fashion-mnist-side-by-side.sh --epochs %s --threads %s`" % (epochs, threads)]
open(dest, "w").write("\n".join(lines) + "\n")
print("wrote", dest)
PY
