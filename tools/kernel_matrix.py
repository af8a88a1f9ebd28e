"""Strict nbval under a matrix of CPU-kernel settings: which checked cells hold on every CPU?

    python3 course.py matrix                                   # every setting, notebooks/ and solutions/
    python3 course.py matrix notebooks/04_pytorch_and_gpu.ipynb --settings default torch-scalar
    python3 course.py matrix --list                            # the settings this machine can run

A checked output is a claim that must hold on every learner's CPU (COURSE.md). A learner's laptop
rounds differently from ours because its libraries pick other kernels: torch's vector kernels
(``ATEN_CPU_CAPABILITY``), OpenBLAS's core type (``OPENBLAS_CORETYPE``), numpy's SIMD loops
(``NPY_DISABLE_CPU_FEATURES``), MKL and oneDNN's instruction sets, and the thread count. Each
setting below makes this machine pick other kernels; the notebooks are checked under each, and
the report lists the checked cells that differ. Results go to ``benchmarks/kernel_matrix.md``.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _numpy_simd():
    """numpy's dispatched SIMD targets found on this CPU (what NPY_DISABLE_CPU_FEATURES may switch off)."""
    import numpy as np

    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    del np
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def settings(machine=None):
    """name -> (environment variables, what it stands for) for this machine."""
    machine = (machine or platform.machine()).lower()
    table = {
        "default": ({}, "this machine's own kernels, two threads"),
        "one-thread": ({"OMP_NUM_THREADS": "1"}, "a one-core JupyterHub slot"),
        "torch-scalar": ({"ATEN_CPU_CAPABILITY": "default"}, "torch without vector kernels"),
    }
    if machine in ("x86_64", "amd64"):
        simd = _numpy_simd()
        table.update({
            "torch-avx2": ({"ATEN_CPU_CAPABILITY": "avx2"}, "an AVX2 laptop (torch)"),
            "openblas-haswell": ({"OPENBLAS_CORETYPE": "Haswell"}, "an AVX2 laptop (numpy's OpenBLAS)"),
            "openblas-prescott": ({"OPENBLAS_CORETYPE": "Prescott"}, "an old x86-64 core (numpy's OpenBLAS)"),
            "mkl-onednn-avx2": ({"MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}, "MKL and oneDNN on AVX2"),
            "all-avx2": ({"ATEN_CPU_CAPABILITY": "avx2", "OPENBLAS_CORETYPE": "Haswell", "MKL_CBWR": "AVX2",
                          "ONEDNN_MAX_CPU_ISA": "AVX2"}, "an AVX2 laptop, every library"),
        })
        if simd:
            table["numpy-baseline"] = ({"NPY_DISABLE_CPU_FEATURES": " ".join(simd)},
                                       f"numpy without its {'/'.join(simd)} loops")
    table["ci-second-pass"] = (_ci_setting(machine), "what `course.py test` checks a second time")
    return table


def _ci_setting(machine):
    sys.path.insert(0, str(ROOT))
    import course

    return course.other_kernels(machine)


def run(paths, env):
    """(number of checked cells, failing cell ids, seconds) of strict nbval under ``env``."""
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-sanitize-with", str(SANITIZE),
               "--nbval-current-env", "-q", "-rf", "-p", "no:cacheprovider", *map(str, paths)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ, **env), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    failed = re.findall(r"^FAILED (\S+::Cell \d+)", done.stdout, re.M)
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|error)", done.stdout.splitlines()[-1]
                                                     if done.stdout.strip() else "")}
    return sum(counts.values()), failed, seconds


def report(rows, paths):
    lines = ["# Checked cells under other CPU kernels", "",
             f"`python3 course.py matrix` on {platform.machine()}, {os.cpu_count()} cores, "
             f"{len(paths)} notebooks. A checked cell must pass under every setting.", "",
             "| setting | stands for | variables | cells | pass | differ | s |",
             "|---|---|---|---:|---:|---:|---:|"]
    for name, (env, meaning), (total, failed, seconds) in rows:
        variables = ", ".join(f"`{k}={v}`" for k, v in env.items()) or "none"
        lines.append(f"| {name} | {meaning} | {variables} | {total} | {total - len(failed)} | {len(failed)} | {seconds:.0f} |")
    differing = sorted({cell for *_, (_, failed, _) in rows for cell in failed})
    lines += ["", "Cells that differ: " + (", ".join(f"`{c}`" for c in differing) if differing else "none.")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--settings", nargs="+", help="names from --list (default: all)")
    parser.add_argument("--list", action="store_true", help="print the settings and exit")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "kernel_matrix.md"), help="'-' for stdout only")
    args = parser.parse_args(argv)
    table = settings()
    if args.list:
        for name, (env, meaning) in table.items():
            print(f"{name:<18} {meaning:<42} {env}")
        return 0
    unknown = sorted(set(args.settings or []) - set(table))
    if unknown:
        parser.error(f"unknown settings {unknown}; choose from {sorted(table)}")
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    rows = []
    for name in args.settings or list(table):
        env, meaning = table[name]
        print(f"{name} {env} ...", end=" ", flush=True)
        result = run(paths, env)
        print(f"{result[0] - len(result[1])}/{result[0]} cells pass in {result[2]:.0f} s"
              + (f"; differ: {', '.join(result[1])}" if result[1] else ""), flush=True)
        rows.append((name, (env, meaning), result))
    text = report(rows, paths)
    if args.output != "-":
        Path(args.output).write_text(text)
        print(f"-> {args.output}")
    return int(any(result[1] for *_, result in rows))


if __name__ == "__main__":
    sys.exit(main())
