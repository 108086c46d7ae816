"""Runs Galvani's notebooks headless and checks the committed ones carry no outputs.

    python run_notebooks.py [--check-only] [--out DIR] [--cell-timeout S] [NOTEBOOK ...]

Each notebook is executed with nbclient on the kernel named in its metadata (galvani-java, which
notebooks/install.sh installs), from the notebooks folder, as Jupyter would. The executed copy is
written to --out (a temporary folder by default), never over the committed notebook. A cell that
fails (an exception, a compile error, a failed magic) or runs past the per-cell timeout fails the
notebook; the exit status is non-zero when any notebook failed or a committed notebook has outputs.
"""
import argparse
import pathlib
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = pathlib.Path(__file__).resolve().parent


def stored_outputs(nb):
    """The code cells that carry outputs or an execution count: a committed notebook has none."""
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]


def count_outputs(nb, mime):
    return sum(1 for c in nb.cells if c.cell_type == "code"
               for o in c.get("outputs", []) if mime in o.get("data", {}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: notebooks/[0-9]*.ipynb")
    ap.add_argument("--check-only", action="store_true", help="only check that the notebooks are committed without outputs")
    ap.add_argument("--out", type=pathlib.Path, help="where the executed copies go (default: a new temporary folder)")
    ap.add_argument("--cell-timeout", type=int, default=600, help="seconds one cell may run (default 600)")
    ap.add_argument("--startup-timeout", type=int, default=120, help="seconds the kernel may take to start (default 120)")
    args = ap.parse_args()

    paths = [p.resolve() for p in args.notebooks] or sorted(HERE.glob("[0-9]*.ipynb"))
    if not paths:
        print("no notebooks found in " + str(HERE), file=sys.stderr)
        return 1

    failures = []
    for p in paths:
        cells = stored_outputs(nbformat.read(p, as_version=4))
        if cells:
            failures.append(p.name)
            print(f"{p.name}: committed with outputs in code cells {cells}; strip them first: "
                  f"jupyter nbconvert --clear-output --inplace {p.name}", file=sys.stderr)
    if args.check_only:
        print(f"{len(paths) - len(failures)} passed, {len(failures)} failed")
        return 1 if failures else 0
    if failures:
        print(f"0 passed, {len(failures)} failed")
        return 1

    out = args.out or pathlib.Path(tempfile.mkdtemp(prefix="galvani-notebooks-"))
    out.mkdir(parents=True, exist_ok=True)
    passed, failed, total_start = 0, [], time.monotonic()
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        kernel = nb.metadata.get("kernelspec", {}).get("name", "galvani-java")
        client = NotebookClient(nb, timeout=args.cell_timeout, startup_timeout=args.startup_timeout,
                                kernel_name=kernel, resources={"metadata": {"path": str(p.parent)}})
        print(f"{p.name}: running on kernel {kernel} ...", flush=True)
        start = time.monotonic()
        error = None
        kernel_log = out / (p.stem + ".kernel.log")     # the kernel's own log lines, out of CI's output
        try:
            with open(kernel_log, "w") as log:
                client.execute(stdout=log, stderr=log)
        except CellTimeoutError as e:
            error = f"a cell ran past --cell-timeout {args.cell_timeout} s\n{e}"
        except (CellExecutionError, DeadKernelError) as e:
            error = str(e)
        seconds = time.monotonic() - start
        executed = out / p.name
        nbformat.write(nb, executed)
        if error is None:
            # nbclient stops at an error cell; this catches an error output that a kernel
            # reported without failing the request.
            bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "error"]
            if bad:
                error = f"error outputs in code cells {sorted(set(bad))}"
        if error is None:
            passed += 1
            print(f"{p.name}: passed in {seconds:.1f} s ({count_outputs(nb, 'image/png')} inline PNG images); "
                  f"executed copy: {executed}", flush=True)
        else:
            failed.append(p.name)
            tail = kernel_log.read_text(errors="replace").splitlines()[-15:] if kernel_log.exists() else []
            print(f"{p.name}: FAILED after {seconds:.1f} s; executed copy: {executed}\n{error}\n"
                  f"the kernel's log ({kernel_log}), last lines:\n" + "\n".join(tail), file=sys.stderr, flush=True)
    print(f"notebooks: {time.monotonic() - total_start:.1f} s in all; executed copies in {out}")
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
