#!/usr/bin/env bash
# Galvani vs PyTorch on the CPU, in one run on one machine: times the same operations in both
# (Galvani first, then PyTorch, never at the same time) and writes a Markdown table with the ratio
# PyTorch time / Galvani time to benchmarks/results/cpu-<yyyy-mm-dd>.md.
#
#   benchmarks/scripts/side-by-side.sh [--threads N] [--out FILE] [--rebuild] [harness options]
#
# Harness options go to both sides unchanged: --warmup N --warmup-seconds S --runs N
# --sizes 256,512,... --elements N --conv N,C,H,W,O,K --only sgemm,add,mul-add-relu,sum,conv2d
# (see `side-by-side --help`). Environment: TORCH_PYTHON, the Python with torch installed (else
# python3, then /tmp/torch/bin/python); JAVA_HOME, used when it is a JDK 25 or newer.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR="$ROOT/benchmarks/target/galvani-benchmarks.jar"
THREADS=2
DATE=$(date +%F)
OUT=""
REBUILD=0
PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --rebuild) REBUILD=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --threads=*|--out=*) echo "side-by-side.sh: write '${1%%=*} VALUE', not '$1'" >&2; exit 2 ;;
    *) PASS+=("$1"); shift ;;
  esac
done
OUT=${OUT:-"$ROOT/benchmarks/results/cpu-$DATE.md"}

# --- a JDK 25: JAVA_HOME when it is one, else the machine's Temurin 25 ------------------------
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
JDK=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME" || echo 0) >= 25 )); then
  JDK="$JAVA_HOME"
fi
if [[ ! -x "$JDK/bin/java" ]]; then
  echo "side-by-side.sh: no JDK 25 found (JAVA_HOME='${JAVA_HOME:-}', $JDK missing); set JAVA_HOME to a JDK 25" >&2
  exit 1
fi
JAVA="$JDK/bin/java"

# The JVM flags are defined once, in the parent POM (galvani.jvm.flags); read them from there.
FLAGS=$(sed -n 's:.*<galvani.jvm.flags>\(.*\)</galvani.jvm.flags>.*:\1:p' "$ROOT/pom.xml")
FLAGS=${FLAGS:-"--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"}

# --- the uber-jar: built when missing or asked for ----------------------------------------------
if [[ $REBUILD == 1 || ! -f "$JAR" ]]; then
  echo "== building $JAR (JAVA_HOME=$JDK)"
  (cd "$ROOT" && JAVA_HOME="$JDK" mvn -q -pl benchmarks -am package -DskipTests)
elif [[ -n "$(find "$ROOT/tensor/src/main" "$ROOT/benchmarks/src/main" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "== note: sources changed since $JAR was built; pass --rebuild to time the current code"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- Galvani ------------------------------------------------------------------------------------
echo "== Galvani ($THREADS threads)"
# shellcheck disable=SC2086  # FLAGS is a list of JVM options
"$JAVA" $FLAGS -Dgalvani.threads="$THREADS" -jar "$JAR" side-by-side \
  --threads "$THREADS" "${PASS[@]}" --json "$TMP/galvani.json"

# --- PyTorch, after Galvani has exited, so the two never share the cores -------------------------
TORCH_ARGS=()
if [[ -n "${TORCH_PYTHON:-}" ]]; then CANDIDATES=("$TORCH_PYTHON"); else CANDIDATES=(python3 /tmp/torch/bin/python); fi
PY=""
for candidate in "${CANDIDATES[@]}"; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import torch' >/dev/null 2>&1; then
    PY="$candidate"; break
  fi
done
if [[ -z "$PY" ]]; then
  REASON="torch is not importable with ${CANDIDATES[*]}; set TORCH_PYTHON to a Python that has torch"
  echo "== PyTorch skipped: $REASON. Writing the Galvani-only table." >&2
  TORCH_ARGS=(--torch-missing "$REASON")
else
  echo "== PyTorch ($PY, $THREADS threads)"
  # OMP/MKL variables as well as torch.set_num_threads, so no library opens a pool of its own size.
  if OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS" "$PY" "$ROOT/benchmarks/scripts/torch_cpu_bench.py" \
       --threads "$THREADS" "${PASS[@]}" --json "$TMP/torch.json" >/dev/null; then
    TORCH_ARGS=(--torch "$TMP/torch.json")
  else
    REASON="torch_cpu_bench.py failed with $PY (exit $?)"
    echo "== PyTorch skipped: $REASON. Writing the Galvani-only table." >&2
    TORCH_ARGS=(--torch-missing "$REASON")
  fi
fi

# --- the Markdown page --------------------------------------------------------------------------
CPU=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
CORES=$(nproc 2>/dev/null || echo "?")
COMMAND="benchmarks/scripts/side-by-side.sh --threads $THREADS${PASS[*]:+ ${PASS[*]}}"
"$JAVA" -jar "$JAR" side-by-side-report --galvani "$TMP/galvani.json" "${TORCH_ARGS[@]}" \
  --out "$OUT" --cpu "${CPU:-unknown}" --cores "$CORES" --date "$DATE" --command "$COMMAND"
