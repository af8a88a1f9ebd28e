"""Execute notebooks in place, top to bottom, each in a fresh kernel.

This is the only way the committed outputs are made (``python3 course.py execute``)::

    python tools/execute_notebooks.py                       # notebooks/ and solutions/
    python tools/execute_notebooks.py notebooks/01_the_idea.ipynb

Outputs are never edited by hand. After running it on solutions/, regenerate the exercises.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path, *, timeout=600):
    """Run one notebook from a fresh kernel in its own folder and write it back."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    nb.metadata.pop("widgets", None)  # widget state differs run to run; the view is rebuilt on open
    nbformat.write(nb, path)
    return time.perf_counter() - start


def default_paths():
    return sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or default_paths()
    for path in paths:
        print(f"executing {path.relative_to(ROOT)} ...", end=" ", flush=True)
        print(f"{execute(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
