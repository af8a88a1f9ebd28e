"""Time every lesson notebook in a fresh kernel and record its peak memory.

    python tools/benchmark.py                 # all of notebooks/ -> benchmarks/results.md
    python tools/benchmark.py notebooks/01_the_idea.ipynb --output -

Each notebook runs from a fresh kernel on a copy (the committed file is not touched). The
kernel's peak resident memory (and that of any process it started) is read at the end by a cell
the benchmark appends. Budgets (COURSE.md): 60 s and 1.5 GB per notebook, 8 min in all.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S, BUDGET_TOTAL_S, BUDGET_MB = 60.0, 480.0, 1536.0
PEAK_CELL = """
import json, resource, sys
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
print(json.dumps({"self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale,
                  "children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale}))
"""


def measure(path):
    """(seconds, peak MB) of one notebook run top to bottom in a fresh kernel."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    import json

    peak = json.loads(nb.cells[-1].outputs[0]["text"])
    return seconds, max(peak["self"], peak["children"]) / 2**20


def machine():
    try:
        import torch

        threads = torch.get_num_threads()
        kernels = torch.backends.cpu.get_cpu_capability()  # what torch picked on this CPU (nothing is pinned)
        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    except ImportError:
        threads, gpu, kernels = "?", "?", "?"
    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():
        names = [l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("model name")]
        cpu = names[0] if names else cpu
    return (f"{os.cpu_count()} cores ({cpu}), torch threads {threads}, CPU kernels {kernels}, GPU {gpu}, "
            f"Python {platform.python_version()}, {platform.system()}")


def report(rows):
    total = sum(s for _, s, _ in rows)
    lines = [
        "# Notebook benchmark", "",
        f"Made by `python3 course.py benchmark` on {time.strftime('%Y-%m-%d')}.", "",
        f"Machine: {machine()}.", "",
        "| notebook | wall time (s) | peak memory (MB) | within budget |", "|---|---:|---:|---|",
    ]
    for name, s, mb in rows:
        ok = "yes" if s <= BUDGET_S and mb <= BUDGET_MB else "NO"
        lines.append(f"| {name} | {s:.1f} | {mb:.0f} | {ok} |")
    verdict = "yes" if total <= BUDGET_TOTAL_S else "NO"
    lines += [f"| **all** | **{total:.1f}** | | {verdict} |", "",
              f"Budgets: {BUDGET_S:.0f} s and {BUDGET_MB:.0f} MB per notebook, {BUDGET_TOTAL_S:.0f} s in all.", ""]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.md"), help="a file, or - for stdout")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    rows = []
    for path in paths:
        seconds, mb = measure(path)
        print(f"{path.name}: {seconds:.1f} s, {mb:.0f} MB", flush=True)
        rows.append((path.name, seconds, mb))
    text = report(rows)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
