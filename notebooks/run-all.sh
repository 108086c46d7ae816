#!/usr/bin/env bash
# Runs every notebook headless (what CI does after `mvn verify`) and fails on any error cell.
#   bash notebooks/run-all.sh [NOTEBOOK ...]
# Needs notebooks/install.sh first and the runner jar (mvn package: benchmarks/target/galvani-benchmarks.jar).
# The executed copies go to a temporary folder (or GALVANI_NOTEBOOKS_OUT), never over the committed,
# output-free notebooks. A cell may run GALVANI_NOTEBOOK_CELL_TIMEOUT seconds (default 600).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${GALVANI_NOTEBOOKS_VENV:-$here/.venv}"
jar="$here/../benchmarks/target/galvani-benchmarks.jar"

if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/share/jupyter/kernels/galvani-java/kernel.json" ]; then
  echo "notebooks/run-all.sh: no Jupyter with the galvani-java kernel in $venv; run: bash notebooks/install.sh" >&2
  exit 1
fi
if [ ! -f "$jar" ]; then
  echo "notebooks/run-all.sh: $jar is missing; build it: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B package -DskipTests" >&2
  exit 1
fi

args=(--cell-timeout "${GALVANI_NOTEBOOK_CELL_TIMEOUT:-600}")
[ -n "${GALVANI_NOTEBOOKS_OUT:-}" ] && args+=(--out "$GALVANI_NOTEBOOKS_OUT")
cd "$here"
exec "$venv/bin/python" "$here/run_notebooks.py" "${args[@]}" "$@"
