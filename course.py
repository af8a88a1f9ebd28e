#!/usr/bin/env python3
"""Set up, open, test and rebuild the course. Needs only Python 3.10+.

    python3 course.py lab         set up .venv (first time only) and open the course in JupyterLab
    python3 course.py test        set up .venv (first time only) and run every test, notebooks included
    python3 course.py setup       only set up .venv
    python3 course.py execute     re-run notebooks in place from a fresh kernel (the only way outputs are made)
    python3 course.py exercises   regenerate exercises/ from solutions/
    python3 course.py benchmark   time every lesson notebook in a fresh kernel -> benchmarks/results.md
    python3 course.py site        build the course as a static web site -> build/site/index.html

On Windows, type ``py`` instead of ``python3``.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "sslcourse-installed.txt"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
NOTEBOOK_DIRS = ["notebooks", "solutions"]


def _fingerprint():
    """What the environment is built from: if it changes, set-up runs again."""
    h = hashlib.sha256(sys.version.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def _env():
    """The environment for commands run inside .venv (its bin first on PATH, for kernels)."""
    env = dict(os.environ, VIRTUAL_ENV=str(VENV), PYTHONNOUSERSITE="1")
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def _run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=_env(), **kwargs).returncode


def _browser():
    """Install Debian's chromium for the browser tests where we may (Linux, root, apt-get).

    Elsewhere nothing is installed and those tests are skipped, saying why.
    """
    if os.path.exists("/usr/bin/chromium") or not sys.platform.startswith("linux"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("[--] chromium not found: the browser tests will be skipped (as root, setup installs it)")
        return
    print("Installing chromium (Debian package) for the browser tests ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        print("+", " ".join(command), flush=True)
        if subprocess.run(command, env=env).returncode:
            print("[--] installing chromium failed: the browser tests will be skipped")
            return


def setup():
    """Create .venv and install the course into it; a no-op when nothing changed."""
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == _fingerprint() and PYTHON.exists():
        print("[OK] .venv is up to date (delete .venv to rebuild it)")
        return
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check"]
    if _run(*pip, "-c", "constraints.txt", "-e", ".[test]"):
        sys.exit("Installing the course failed: read pip's message above (a network problem is the usual cause).")
    _browser()
    STAMP.write_text(_fingerprint())
    print("[OK] .venv is ready")


def lab(args):
    setup()
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []  # containers, Binder-like boxes
    return _run(PYTHON, "-m", "jupyterlab", "--notebook-dir", ROOT, *as_root, *args, "notebooks/00_start_here.ipynb")


def test(args):
    setup()
    sanitize = ROOT / "tests" / "nbval_sanitize.cfg"
    targets = args or ["tests", *NOTEBOOK_DIRS]
    return _run(PYTHON, "-m", "pytest", *targets, "--nbval", "--nbval-sanitize-with", sanitize,
                "--nbval-current-env", "-q")


def tool(script, args):
    setup()
    return _run(PYTHON, ROOT / "tools" / script, *args)


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, args = argv[0], argv[1:]
    if command == "setup":
        setup()
        return 0
    if command == "lab":
        return lab(args)
    if command == "test":
        return test(args)
    scripts = {"execute": "execute_notebooks.py", "exercises": "make_exercises.py", "benchmark": "benchmark.py",
               "site": "build_site.py"}
    if command in scripts:
        return tool(scripts[command], args)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
