"""Make lesson 11's table of runs: sslcourse/data/scaling_table.csv (fixed seeds; a few minutes per worker).

    python tools/make_scaling_table.py            # the whole sweep (about 10 min of CPU time)
    python tools/make_scaling_table.py --only data:encoder:100:0   # one run, printed, nothing written
    python tools/make_scaling_table.py --resume run.log   # keep the rows a stopped run printed ("ROW {...}")

Every run is ``sslcourse.scaling_runs.run_point``: D sentences, ``steps_for(D)`` steps, the state
with the best loss on 2,000 held-out sentences kept (early stopping) and scored exactly on all
99,144 sentences of the language.
- data axis: lesson 04's encoder (24,786 parameters) at D = 100 ... 30,000, seeds 0 and 1, with a
  word-category probe at 1, 2 and 4 labels per category (labels traded for raw text);
- context axis: lesson 02's context model at D = 300 ... 10,000, seeds 0 and 1 (why attention);
- model axis: encoders of width 8 ... 64 on D = 100,000, 1,000 steps, and 3x the steps for width 64.
"""
from __future__ import annotations

import argparse
import ast
import csv
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "sslcourse" / "data" / "scaling_table.csv"
DATA_SIZES = (100, 300, 1000, 3000, 10_000, 30_000)
CONTEXT_SIZES = (300, 1000, 3000, 10_000)
SEEDS = (0, 1)
WIDTHS = (8, 16, 32, 64)
LONG_WIDTHS = (64,)  # also trained 3x as long
MODEL_D = 100_000
MODEL_STEPS = 1000  # the model axis: 1,000 steps, and 3,000 for LONG_WIDTHS
PROBE_KS = (1, 2, 4)
COLUMNS = ("axis", "kind", "n_sentences", "width", "n_params", "seed", "max_steps", "best_step", "stop_step",
           "excess", "accuracy", "fraction_of_bayes", "best_heldout", "seconds", *(f"probe_k{k}" for k in PROBE_KS))


def jobs():
    """(axis, kind, D, seed, width, max_steps, patience) of every run, the slowest first within each axis."""
    from sslcourse.scaling_runs import steps_for

    out = [("data", "encoder", D, s, 32, steps_for(D), None) for D in DATA_SIZES[::-1] for s in SEEDS]
    out += [("context", "context", D, s, 0, steps_for(D), None) for D in CONTEXT_SIZES[::-1] for s in SEEDS]
    out += [("model", "encoder", MODEL_D, 0, w, 3 * MODEL_STEPS, None) for w in LONG_WIDTHS[::-1]]
    out += [("model", "encoder", MODEL_D, 0, w, MODEL_STEPS, None) for w in WIDTHS[::-1]]
    return out


def run(job):
    """One row of the table."""
    import sslcourse as sc
    from sslcourse import scaling_runs

    axis, kind, D, seed, width, max_steps, patience = job
    language = sc.data.ToyLanguage()
    start = time.process_time()
    point, model = scaling_runs.run_point(language, D, seed=seed, kind=kind, width=width or 32,
                                          max_steps=max_steps, patience=patience, return_model=True)
    c, s = point.curve, point.score
    row = dict(axis=axis, kind=kind, n_sentences=D, width=point.width, n_params=point.n_params, seed=seed,
               max_steps=max_steps, best_step=c.steps[c.best], stop_step=c.steps[-1], excess=f"{s.excess:.6g}",
               accuracy=f"{s.accuracy:.6g}", fraction_of_bayes=f"{s.fraction_of_bayes:.6g}",
               best_heldout=f"{c.heldout_loss[c.best]:.6g}", seconds=f"{time.process_time() - start:.1f}")
    for k in PROBE_KS:
        value = scaling_runs.word_probe(model, language, k=k) if axis == "data" else float("nan")
        row[f"probe_k{k}"] = f"{value:.4g}"
    print(f"{axis:<8}{kind:<8}D={D:<7}w={width:<4}seed={seed} steps<={max_steps}: excess {s.excess:.4f}, "
          f"{s.fraction_of_bayes:.3f} of Bayes, best step {row['best_step']}, {row['seconds']} s", flush=True)
    print("ROW", row, flush=True)
    return row


def parse_job(text):
    """'data:encoder:100:0' -> the job of the data axis at D=100, seed 0 (see ``jobs``)."""
    axis, kind, D, seed = text.split(":")
    for job in jobs():
        if job[:4] == (axis, kind, int(D), int(seed)):
            return job
    raise SystemExit(f"no such run: {text!r}. Runs look like data:encoder:100:0 or context:context:1000:1.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run one job (axis:kind:D:seed) and print its row")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--resume", type=Path, help="the output of a stopped run: its rows are kept, not rerun")
    args = parser.parse_args(argv)
    if args.only:
        print(run(parse_job(args.only)))
        return
    done = [] if args.resume is None else [ast.literal_eval(line[4:]) for line in
                                           args.resume.read_text().splitlines() if line.startswith("ROW {")]
    key = lambda r: (r["axis"], r["kind"], r["n_sentences"], r["seed"], r["width"], r["max_steps"])  # noqa: E731
    kept = {key(r) for r in done}
    todo = [j for j in jobs() if (j[0], j[1], j[2], j[3], j[4], j[5]) not in kept]
    for r in done:
        print("ROW", r, flush=True)
    with ProcessPoolExecutor(args.workers) as pool:
        rows = done + list(pool.map(run, todo))  # each row is also printed as it comes
    order = {"data": 0, "context": 1, "model": 2}
    rows.sort(key=lambda r: (order[r["axis"]], r["n_sentences"], r["width"], r["max_steps"], r["seed"]))
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
