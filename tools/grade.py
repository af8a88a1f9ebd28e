"""Grade a class: run every learner's exercise notebooks and collect the checkers' verdicts.

    python3 course.py grade FOLDER [--cell-timeout 120]

FOLDER holds one folder per learner, each with any of the ``NN_exercises.ipynb``. Each notebook
runs in a fresh kernel, in a temporary copy of the learner's folder, with a time limit per cell,
going on past errors. The verdicts come from the checkers themselves (each writes one JSON line to
a log the grader names in ``$SSLCOURSE_GRADE_LOG``), never from the printed text, so printing
``[OK]`` earns nothing. Written:

- ``FOLDER/grades.csv``: one row per learner and notebook: ``learner``, ``notebook``, one column per
  exercise (named by its function) with 1 or 0, and ``total``;
- ``FOLDER/feedback/<learner>.md``: the messages (hints) that learner saw, and their written answers;
- ``FOLDER/summary.md``: per exercise, how many passed and the most common mistakes.

This RUNS THE LEARNERS' CODE. Run it in a container or as an unprivileged user that can read
FOLDER and write only there.
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = re.compile(r"^(\d\d_exercises|capstone)\.ipynb$")
CHECK_LINE = re.compile(r"sc\.checks\.check_(\w+)\(")
ALIASES = {"masked_cross_entropy_torch": "masked_cross_entropy"}
OUTPUTS = ("grades.csv", "summary.md", "feedback")


def exercises_of(notebook_name):
    """The exercise names of a notebook, in order, from its solution (the single source)."""
    path = ROOT / "solutions" / notebook_name
    if not path.exists():
        return []
    nb = nbformat.read(path, as_version=4)
    return [ALIASES.get(m, m) for c in nb.cells if c.cell_type == "code" for m in CHECK_LINE.findall(c.source)]


def written_answers(nb):
    """(question, answer) for each markdown cell tagged "answer" (the learner's written answers)."""
    answers, question = [], ""
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type == "markdown" and "answer" in tags:
            answers.append((question, cell.source.strip()))
        elif cell.cell_type == "markdown":
            question = cell.source.strip()
    return answers


def run_notebook(path, workdir, log, cell_timeout):
    """Execute ``path`` (a copy inside ``workdir``) in a fresh kernel in a child process, so that a
    kernel that cannot be interrupted is killed with it. Returns an error text or ''."""
    cells = len(nbformat.read(path, as_version=4).cells)
    env = dict(os.environ, SSLCOURSE_GRADE_LOG=str(log), MPLBACKEND="Agg")
    command = [sys.executable, str(Path(__file__).resolve()), "--run-one", str(path), "--cell-timeout", str(cell_timeout)]
    try:
        done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True,
                              timeout=cell_timeout * (cells + 2) + 60, start_new_session=True)
    except subprocess.TimeoutExpired:
        return "the notebook ran past its time limit and was stopped"
    return "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["the notebook failed"])[-1]


def _run_one(path, cell_timeout):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.write(nb, path)


def read_verdicts(log):
    """The last verdict of each exercise, from the checkers' log (lines that are not verdicts skipped)."""
    last = {}
    if log.exists():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
                last[str(record["exercise"])] = record
            except (ValueError, KeyError, TypeError):
                continue
    return last


def grade(folder, cell_timeout=120, progress=True):
    """Grade every learner of ``folder``; returns the rows of grades.csv (dicts)."""
    folder = Path(folder).resolve()
    learners = sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in OUTPUTS and not p.name.startswith("."))
    jobs = [(learner, nb) for learner in learners for nb in sorted(learner.iterdir()) if NOTEBOOK.match(nb.name)]
    rows, feedback, mistakes = [], collections.defaultdict(list), collections.defaultdict(collections.Counter)
    passed = collections.Counter()
    for i, (learner, nb_path) in enumerate(jobs):
        if progress:
            _bar(i, len(jobs), f"{learner.name}/{nb_path.name}")
        names = exercises_of(nb_path.name)
        with tempfile.TemporaryDirectory(prefix="sslcourse-grade-") as tmp:
            work = Path(tmp) / "work" / learner.name
            shutil.copytree(learner, work, symlinks=True)
            log = Path(tmp) / "verdicts.jsonl"
            error = run_notebook(work / nb_path.name, work, log, cell_timeout)
            verdicts = read_verdicts(log)
            try:
                answers = written_answers(nbformat.read(nb_path, as_version=4))
            except Exception:  # a notebook that is not valid JSON still gets a row
                answers = []
        row = {"learner": learner.name, "notebook": nb_path.name}
        for name in names:
            ok = verdicts.get(name, {}).get("status") == "ok"
            row[name] = int(ok)
            passed[(nb_path.name, name)] += ok
            if not ok:
                record = verdicts.get(name)
                mistakes[(nb_path.name, name)][_first_line(record) if record else "never checked (the cell did not run)"] += 1
        row["total"] = sum(row[n] for n in names)
        rows.append(row)
        feedback[learner.name].append((nb_path.name, names, verdicts, answers, error))
    if progress:
        _bar(len(jobs), len(jobs), "done")
    _write_outputs(folder, rows, feedback, mistakes, passed, jobs)
    return rows


def _first_line(record):
    hint = re.search(r"Hint: (.*)", record.get("message", ""))
    status = record.get("status", "")
    return "not written yet" if status == "todo" else (hint[1] if hint else record.get("message", "").splitlines()[0])


def _write_outputs(folder, rows, feedback, mistakes, passed, jobs):
    columns = ["learner", "notebook"]
    for row in rows:
        columns += [k for k in row if k not in columns and k != "total"]
    with open(folder / "grades.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns + ["total"], restval="")
        writer.writeheader()
        writer.writerows(rows)
    fb = folder / "feedback"
    if fb.is_symlink() or fb.is_file():
        fb.unlink()
    fb.mkdir(exist_ok=True)
    for learner, notebooks in feedback.items():
        lines = [f"# Feedback for {learner}", ""]
        for nb_name, names, verdicts, answers, error in notebooks:
            lines += [f"## {nb_name}", ""]
            if error:
                lines += [f"*The notebook did not finish: {error}.*", ""]
            for name in names:
                record = verdicts.get(name)
                mark = "passed" if record and record.get("status") == "ok" else "not yet"
                lines += [f"### {name}: {mark}", ""]
                lines += ["    " + line for line in (record["message"] if record else "This check never ran.").splitlines()]
                lines.append("")
            for question, answer in answers:
                lines += ["### Written answer", "", "> " + question.replace("\n", "\n> "), "", answer, ""]
        path = fb / f"{learner}.md"
        if path.is_symlink():
            path.unlink()
        path.write_text("\n".join(lines), encoding="utf-8")
    graded = collections.Counter(nb.name for _, nb in jobs)
    lines = ["# Summary", "", f"{len({l.name for l, _ in jobs})} learners, {len(jobs)} notebooks.", ""]
    for nb_name in sorted(graded):
        lines += [f"## {nb_name}", ""]
        for name in exercises_of(nb_name):
            lines.append(f"- **{name}**: {passed[(nb_name, name)]} of {graded[nb_name]} passed")
            for hint, count in mistakes[(nb_name, name)].most_common(3):
                lines.append(f"  - {count} x {hint}")
        lines.append("")
    (folder / "summary.md").write_text("\n".join(lines), encoding="utf-8")


def _bar(done, total, label, width=30):
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {label[:50]:<50}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--run-one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run_one:
        _run_one(args.run_one, args.cell_timeout)
        return 0
    if args.folder is None or not args.folder.is_dir():
        parser.error("give the folder that holds one folder per learner")
    rows = grade(args.folder, args.cell_timeout)
    print(f"graded {len(rows)} notebook(s): {args.folder / 'grades.csv'}, {args.folder / 'feedback'}/, "
          f"{args.folder / 'summary.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
