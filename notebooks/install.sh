#!/usr/bin/env bash
# Installs what Galvani's notebooks need, all inside this folder unless told otherwise:
#   - a Python virtual environment with JupyterLab, Notebook, nbclient and nbconvert
#     (GALVANI_NOTEBOOKS_VENV, default notebooks/.venv);
#   - the Java kernel, rapaio-jupyter-kernel (io.github.padreati:rapaio-jupyter-kernel from Maven
#     Central, version RJK_VERSION), installed as the kernel spec "galvani-java" in that venv, running
#     on JDK 25 with Galvani's JVM flags.
# Then: notebooks/.venv/bin/jupyter lab notebooks/   (or: bash notebooks/run-all.sh, headless).
# Run it again at any time: it is idempotent, and it rewrites the kernel spec.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

venv="${GALVANI_NOTEBOOKS_VENV:-$here/.venv}"
rjk_version="${RJK_VERSION:-3.0.1}"
kernel_name=galvani-java
heap="${GALVANI_NOTEBOOK_HEAP:-4g}"

# JDK 25: JAVA_HOME if it is one, else the usual places (as ./galvani looks).
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
jdk=""
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 25 ] 2>/dev/null; then jdk=$candidate; break; fi
done
if [ -z "$jdk" ]; then
  echo "notebooks/install.sh: needs JDK 25 (set JAVA_HOME to one)" >&2
  exit 1
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
  echo "notebooks/install.sh: needs Python 3.9 or newer as '$python' (set PYTHON)" >&2
  exit 1
fi

# 1. The virtual environment. Where a local package mirror is set up (/opt/pypi), ask it first:
#    without this, pip waits on the unreachable default index for every package.
if [ ! -x "$venv/bin/python" ]; then
  echo "creating the virtual environment $venv"
  "$python" -m venv "$venv"
fi
if [ -z "${PIP_INDEX_URL:-}" ] && [ -d /opt/pypi/simple ]; then export PIP_INDEX_URL=file:///opt/pypi/simple; fi
pip_log="$venv/pip-install.log"
echo "installing Jupyter into $venv (log: $pip_log)"
if ! "$venv/bin/python" -m pip install --disable-pip-version-check jupyterlab notebook nbclient nbconvert nbformat ipykernel > "$pip_log" 2>&1; then
  grep -v '^WARNING: Location' "$pip_log" | tail -30 >&2
  echo "notebooks/install.sh: pip install failed (log: $pip_log)" >&2
  exit 1
fi

# 2. The kernel's jar, from Maven Central through Maven (its settings and mirrors apply).
jar_dir="$venv/share/galvani/kernel-jars"
jar="$jar_dir/rapaio-jupyter-kernel-$rjk_version.jar"
if [ ! -s "$jar" ]; then
  echo "downloading io.github.padreati:rapaio-jupyter-kernel:$rjk_version"
  mkdir -p "$jar_dir"
  # Run outside the reactor (no pom.xml in the working folder): the plugin needs no project.
  if ! (cd "$jar_dir" && JAVA_HOME="$jdk" mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
        -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$rjk_version" -DoutputDirectory="$jar_dir") > "$venv/mvn-download.log" 2>&1; then
    tail -30 "$venv/mvn-download.log" >&2
    echo "notebooks/install.sh: could not download rapaio-jupyter-kernel $rjk_version from Maven Central" >&2
    exit 1
  fi
fi

# 3. A fix for a startup race of the kernel (kernel-fix/: its channel threads could end before
#    they started, and the kernel then never answers), compiled against the jar and put before it.
fix_dir="$venv/share/galvani/kernel-fix"
rm -rf "$fix_dir"
mkdir -p "$fix_dir"
if ! "$jdk/bin/javac" -nowarn -d "$fix_dir" -cp "$jar" $(find "$here/kernel-fix" -name '*.java') >&2; then
  echo "notebooks/install.sh: could not compile notebooks/kernel-fix against rapaio-jupyter-kernel $rjk_version" >&2
  exit 1
fi

# 4. The kernel spec, into the venv (sys-prefix): the kernel runs in-process JShell, so the JVM's
#    flags reach the notebook's code. The compiler gets the vector module too, for cells that name
#    its classes.
spec_src="$(mktemp -d)"
trap 'rm -rf "$spec_src"' EXIT
"$venv/bin/python" - "$spec_src" "$jdk" "$jar" "$heap" "$rjk_version" "$venv" "$fix_dir" <<'PY'
import json, os, sys
out, jdk, jar, heap, version, venv, fix_dir = sys.argv[1:]
spec = {
    "argv": [
        os.path.join(jdk, "bin", "java"),
        "-Xms1g", "-Xmx" + heap,
        "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED",
        "-Djava.awt.headless=true",
        "-cp", fix_dir + os.pathsep + jar,
        "org.rapaio.jupyter.kernel.MainApp",
        "{connection_file}",
    ],
    "display_name": "Java 25 (Galvani, rjk %s)" % version,
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_CLASSPATH": "",
        "RJK_COMPILER_OPTIONS": "--add-modules jdk.incubator.vector",
        "RJK_INIT_SCRIPT": "",
        "RJK_TIMEOUT_MILLIS": "-1",
        "RJK_MIMA_CACHE": os.path.join(venv, "share", "galvani", "mima_cache"),
    },
}
with open(os.path.join(out, "kernel.json"), "w") as f:
    json.dump(spec, f, indent=2)
    f.write("\n")
PY
if ! msg="$("$venv/bin/jupyter" kernelspec install --sys-prefix --name "$kernel_name" "$spec_src" 2>&1)"; then
  echo "$msg" >&2
  exit 1
fi
echo "kernel spec '$kernel_name' installed: $("$venv/bin/jupyter" kernelspec list | awk -v k="$kernel_name" '$1 == k {print $2}')"
echo "JDK: $jdk; kernel: rapaio-jupyter-kernel $rjk_version; heap: -Xmx$heap"
echo
echo "open the notebooks:  $venv/bin/jupyter lab $here"
echo "run them headless:   bash notebooks/run-all.sh"
