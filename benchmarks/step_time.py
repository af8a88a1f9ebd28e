"""Training-step time: numpy against torch on the CPU (and a GPU if there is one), same model,
same batch; and on a GPU the scale-up configuration's tokens per second and MFU in bf16.

    python benchmarks/step_time.py                  # -> benchmarks/step_time.md
    python benchmarks/step_time.py --output -       # print only

Budget (COURSE.md): numpy's step within 2x of torch's on the CPU. numpy runs on one BLAS thread
and torch on one CPU thread, as both training loops do; the twins hold the same float32 weights.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

import sslcourse as sc
from sslcourse.train.timing import SCALE_UP, compare_step_times, throughput

ROOT = Path(__file__).resolve().parent.parent
MODELS = {"ContextModel (D=32, H=256)": ("ContextModel", dict(dim=32, hidden=256)),
          "Encoder (D=32, 2 blocks, F=64)": ("Encoder", dict(dim=32, n_layers=2, mlp_dim=64))}


def machine():
    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    load = f", load average {os.getloadavg()[0]:.1f} while measuring" if hasattr(os, "getloadavg") else ""
    kernels = torch.backends.cpu.get_cpu_capability()  # AVX2 under course.py on x86-64 (SAME_KERNELS)
    return (f"{os.cpu_count()} cores ({cpu}), CPU kernels {kernels}, GPU {gpu}, torch {torch.__version__}, "
            f"numpy {np.__version__}, "
            f"Python {platform.python_version()}, {platform.system()}{load}")


def cpu_rows(repeats):
    """Markdown rows: model | numpy ms | torch CPU ms | ratio | torch GPU ms."""
    language = sc.data.ToyLanguage()
    V, L = len(language.vocab), language.max_length
    rng = np.random.default_rng(0)
    ids = language.encode(language.sample(128, rng=rng), length=L)  # (128, L): one batch
    inputs, mask = sc.masking.bert_mask(ids, mask_id=1, vocab_size=V, rng=rng, special_ids=(0,))
    devices = ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)
    rows = []
    for label, (kind, sizes) in MODELS.items():
        model = getattr(sc.nn_numpy.models, kind)(V, L, rng=rng, dtype=np.float32, **sizes)
        t = compare_step_times(model, inputs, ids, mask, devices=devices, repeats=repeats)
        gpu = f"{t['torch (cuda)'] * 1e3:.2f}" if "torch (cuda)" in t else "-"
        ratio = t["numpy (cpu)"] / t["torch (cpu)"]
        rows.append(f"| {label} | {t['numpy (cpu)'] * 1e3:.2f} | {t['torch (cpu)'] * 1e3:.2f} | "
                    f"{ratio:.2f} ({'within' if ratio <= 2 else 'OVER'} 2x) | {gpu} |")
        print(rows[-1], flush=True)
    return rows


def gpu_lines():
    if not torch.cuda.is_available():
        return ["No GPU on this machine: the scale-up configuration "
                f"({SCALE_UP}) was not run. Run this script on a CUDA machine to fill this section."]
    cfg = SCALE_UP.config(vocab_size=len(sc.data.ToyLanguage().vocab))
    out = []
    for amp, name in ((torch.bfloat16, "bf16 autocast"), (None, "float32")):
        r = throughput(cfg, batch_size=SCALE_UP.batch_size, device="cuda", amp_dtype=amp, steps=20,
                       generator=torch.Generator().manual_seed(0))
        mfu = "unknown" if r.mfu is None else f"{r.mfu:.1%}"
        out.append(f"| {name} | {r.tokens_per_second:,.0f} | {r.flops_per_token:.3g} | {mfu} |")
        print(out[-1], flush=True)
    return [f"Scale-up configuration {SCALE_UP} on {torch.cuda.get_device_name(0)}:", "",
            "| precision | tokens/s | FLOPs/token | MFU |", "|---|---:|---:|---:|", *out]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "step_time.md"), help="a file, or -")
    parser.add_argument("--repeats", type=int, default=50, help="steps timed per row (median kept)")
    args = parser.parse_args(argv)
    lines = ["# Training-step time: numpy vs torch (CPU, GPU)", "",
             f"Made by `python benchmarks/step_time.py` on {time.strftime('%Y-%m-%d')}.", "",
             f"Machine: {machine()}.", "",
             "One Adam step on one batch of 128 toy-language sentences (L = 7), float32, same weights in "
             "both; median of the timed steps. numpy on one BLAS thread, torch on one CPU thread. On a shared, "
             "busy machine the numbers move by about 30% from run to run; the ratio stays well within 2x.", "",
             "| model | numpy (ms) | torch CPU (ms) | numpy / torch | torch GPU (ms) |",
             "|---|---:|---:|---|---:|", *cpu_rows(args.repeats), "", "## GPU scale-up", "", *gpu_lines(), ""]
    text = "\n".join(lines)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
