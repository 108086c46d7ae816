#!/usr/bin/env bash
# Galvani vs PyTorch on the CPU, in one run on one machine: times the same operations in Galvani,
# then in PyTorch (never both at once), and writes a Markdown table with the ratio
# PyTorch time / Galvani time (> 1: Galvani is faster) to benchmarks/results/cpu-<yyyy-mm-dd>.md.
#
#   benchmarks/scripts/side-by-side.sh [--rebuild] [--threads 2] [--runs 11] [--only sgemm,sum] ...
#
# Every option but --rebuild goes to the `side-by-side` command of galvani-benchmarks.jar
# (--help lists them); the PyTorch half is torch_cpu_bench.py beside this script, shipped in the jar.
# Environment: TORCH_PYTHON, the Python with torch (else python3, then /tmp/torch/bin/python);
# JAVA_HOME, used when it is a JDK 25 or newer (else /usr/lib/jvm/temurin-25-jdk-amd64);
# BENCH_JAVA_OPTS, the JVM's heap options (default -Xms3g -Xmx3g -XX:+AlwaysPreTouch; 8g with the lif or fft rows).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR="$ROOT/benchmarks/target/galvani-benchmarks.jar"

REBUILD=0
ARGS=()
for arg in "$@"; do
  if [[ $arg == --rebuild ]]; then REBUILD=1; else ARGS+=("$arg"); fi
done

# A JDK 25: JAVA_HOME when it is one, else the machine's Temurin 25.
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
JDK=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && (( $(java_major "$JAVA_HOME" || echo 0) >= 25 )); then
  JDK="$JAVA_HOME"
fi
if [[ ! -x "$JDK/bin/java" ]]; then
  echo "side-by-side.sh: no JDK 25 found (JAVA_HOME='${JAVA_HOME:-}', and $JDK is missing); set JAVA_HOME to a JDK 25" >&2
  exit 1
fi

# The JVM flags are defined once, in the parent POM (galvani.jvm.flags); read them from there.
FLAGS=$(sed -n 's:.*<galvani.jvm.flags>\(.*\)</galvani.jvm.flags>.*:\1:p' "$ROOT/pom.xml")
FLAGS=${FLAGS:-"--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"}

if [[ $REBUILD == 1 || ! -f "$JAR" ]]; then
  echo "side-by-side.sh: building $JAR (JAVA_HOME=$JDK)" >&2
  (cd "$ROOT" && JAVA_HOME="$JDK" mvn -q -pl benchmarks -am package -DskipTests)
elif [[ -n "$(find "$ROOT/tensor/src/main" "$ROOT/benchmarks/src/main" "$ROOT/benchmarks/scripts" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "side-by-side.sh: note: sources changed since $JAR was built; --rebuild times the current code" >&2
fi

# A fixed, pre-touched heap: the 2^24-element workloads allocate 64 MiB per result, and a heap that is
# still growing makes the kernel zero fresh pages inside the timed calls (several times slower, and
# varying run to run). 3 GiB, or 8 GiB when the LIF rows run (the composed 32-step neuron's scope holds
# every step's temporaries, about 5 GB) or the FFT rows do (rfft2 of [64, 32, 256, 256]: 0.5 GB in,
# 1.1 GB of spectra made per call). Override with BENCH_JAVA_OPTS.
ONLY=""
for ((i = 0; i < ${#ARGS[@]}; i++)); do [[ ${ARGS[i]} == --only ]] && ONLY=${ARGS[i + 1]:-}; done
if [[ -z $ONLY || ,$ONLY, == *,lif,* || ,$ONLY, == *,fft,* ]]; then GIB=8; else GIB=3; fi
HEAP=${BENCH_JAVA_OPTS:-"-Xms${GIB}g -Xmx${GIB}g -XX:+AlwaysPreTouch"}

cd "$ROOT"
# shellcheck disable=SC2086  # FLAGS and HEAP are lists of JVM options
exec "$JDK/bin/java" $FLAGS $HEAP -jar "$JAR" side-by-side "${ARGS[@]}"
