"""Generate exercises/ from solutions/: the solutions are the single source.

    python tools/make_exercises.py           # write exercises/*.ipynb
    python tools/make_exercises.py --check   # exit 1 if exercises/ is out of date

In a code cell, the lines between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are replaced by a
TODO comment and ``raise NotImplementedError``, indented like the solution; the rest of the cell
(the signature and docstring) stays. Outputs and execution counts are cleared everywhere.
Markdown between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is replaced by
"*Your answer here.*".
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CODE_BLOCK = re.compile(r"^([ \t]*)# BEGIN SOLUTION[^\n]*\n.*?^[ \t]*# END SOLUTION[^\n]*(\n|$)", re.M | re.S)
MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)


def strip_code(source):
    """Replace every solution block of a code cell by a stub."""
    def stub(match):
        indent = match[1]
        return f"{indent}# TODO: your code here\n{indent}raise NotImplementedError{match[2]}"

    if source.count("# BEGIN SOLUTION") != source.count("# END SOLUTION"):
        raise ValueError(f"unbalanced BEGIN/END SOLUTION markers in a cell:\n{source[:200]}")
    return CODE_BLOCK.sub(stub, source)


def make_exercise(solution_path):
    """The exercise notebook (a NotebookNode) made from one solution notebook."""
    nb = nbformat.read(solution_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_code(cell.source)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = MD_BLOCK.sub("*Your answer here.*", cell.source)
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that exercises/ is up to date")
    args = parser.parse_args(argv)
    out_dir = ROOT / "exercises"
    if not args.check:
        out_dir.mkdir(exist_ok=True)
    stale = []
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        text = nbformat.writes(make_exercise(path)) + "\n"
        target = out_dir / path.name
        if not target.exists() or target.read_text() != text:
            stale.append(target.name)
            if not args.check:
                target.write_text(text)
    expected = {p.name for p in (ROOT / "solutions").glob("*.ipynb")}
    extra = sorted(p.name for p in out_dir.glob("*.ipynb") if p.name not in expected) if out_dir.exists() else []
    if args.check:
        if stale or extra:
            print(f"exercises/ is out of date ({', '.join(stale + extra)}): run python3 course.py exercises")
            return 1
        print("exercises/ is up to date")
        return 0
    for name in extra:
        (out_dir / name).unlink()
    print(f"wrote {len(stale)} exercise notebook(s), removed {len(extra)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
