#!/usr/bin/env python3
"""Set up, open, test and rebuild the course. Needs only Python 3.10+.

    python3 course.py lab         set up .venv (first time only) and open the course in JupyterLab
    python3 course.py test        set up .venv (first time only) and run every test, notebooks included
                                  (nbval twice: this CPU's kernels, then other kernels)
    python3 course.py setup       only set up .venv
    python3 course.py execute     re-run notebooks in place from a fresh kernel (the only way outputs are made)
    python3 course.py exercises   regenerate exercises/ from solutions/
    python3 course.py benchmark   time every lesson notebook in a fresh kernel -> benchmarks/results.md
    python3 course.py site        build the course as a static web site -> build/site/index.html
    python3 course.py matrix      strict nbval under other CPU kernels -> benchmarks/kernel_matrix.md
    python3 course.py grade DIR   grade a class: DIR/<learner>/NN_exercises.ipynb -> DIR/grades.csv,
                                  DIR/feedback/, DIR/summary.md (runs the learners' code: use a container
                                  or an unprivileged user)

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
    h.update(os.environ.get(TORCH_CHOICE_VARIABLE, "").encode())  # another torch build asked for: rebuild
    return h.hexdigest()


# Which torch build fits this machine. PyTorch's own index serves a CPU-only build (about 200 MB)
# and one build per CUDA version; PyPI's Linux build carries about 3 GB of CUDA libraries.
TORCH_INDEX = "https://download.pytorch.org/whl/"
CUDA_BUILDS = [(580, "cu130"), (570, "cu128"), (560, "cu126")]  # newest first: (oldest Linux driver, build)
TORCH_CHOICE_VARIABLE = "SSLCOURSE_TORCH"  # cpu, cu126, cu128, cu130, pypi, or an index URL


def torch_choice(system, machine="x86_64", driver=None, override=None):
    """(index URL or None for the default index, one line saying why) for this machine.

    ``system`` is ``platform.system()``, ``machine`` ``platform.machine()``, ``driver`` the NVIDIA
    driver's major version (None when there is none), ``override`` the value of ``SSLCOURSE_TORCH``.
    """
    if override:
        value = override.strip()
        if value.lower() == "pypi":
            return None, f"torch from the default index, as {TORCH_CHOICE_VARIABLE}={value} asks"
        url = value if "://" in value else TORCH_INDEX + value.lower()
        return url, f"torch from {url}, as {TORCH_CHOICE_VARIABLE}={value} asks"
    if system == "Darwin" and machine.lower() in ("x86_64", "amd64"):
        return None, ("torch 2.2.2 with numpy 1.26 from the default index: the newest PyTorch publishes for "
                      "Intel Macs (constraints.txt); the course works with it")
    if system != "Linux":
        return None, f"torch from the default index ({system}: its build there is the right one)"
    if driver is None:
        return TORCH_INDEX + "cpu", "the CPU-only torch (no NVIDIA driver found), about 200 MB instead of 3 GB"
    for oldest, build in CUDA_BUILDS:
        if driver >= oldest:
            return TORCH_INDEX + build, f"the CUDA torch {build} (NVIDIA driver {driver} can run it)"
    return TORCH_INDEX + "cpu", (f"the CPU-only torch: NVIDIA driver {driver} is older than every CUDA build "
                                 f"(needs {CUDA_BUILDS[-1][0]}+); update the driver to use the GPU")


def nvidia_driver():
    """The NVIDIA driver's major version on Linux, or None when there is none."""
    try:
        text = Path("/proc/driver/nvidia/version").read_text()
    except OSError:
        if not shutil.which("nvidia-smi"):
            return None
        try:
            text = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                                  capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    for word in text.replace("Kernel Module", " ").split():
        major = word.split(".")[0]
        if "." in word and major.isdigit():
            return int(major)
    return None


def reachable(url, timeout=3.0):
    """Whether an index answers within ``timeout`` seconds (instead of pip's minutes of retries)."""
    import urllib.request

    try:
        urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/torch/", method="HEAD"), timeout=timeout)
        return True
    except Exception:  # any failure to reach it (DNS, refused, timeout, TLS, HTTP error) means: fall back
        return False


def _env():
    """The environment for commands run inside .venv (its bin first on PATH, for kernels)."""
    env = dict(os.environ, VIRTUAL_ENV=str(VENV), PYTHONNOUSERSITE="1")
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    return env


def _run(*args, extra_env=None, **kwargs):
    shown = " ".join(f"{k}={v}" for k, v in (extra_env or {}).items())
    print("+", shown, " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=dict(_env(), **(extra_env or {})), **kwargs).returncode


def _browser():
    """Install Debian's chromium for the browser tests (only ``test`` needs it) where we may.

    Elsewhere nothing is installed and those tests are skipped, saying why.
    """
    if os.path.exists("/usr/bin/chromium") or not sys.platform.startswith("linux"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("[--] chromium not found: the browser tests will be skipped (as root, `test` installs it)")
        return
    print("Installing chromium (Debian package) for the browser tests ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        print("+", " ".join(command), flush=True)
        if subprocess.run(command, env=env).returncode:
            print("[--] installing chromium failed: the browser tests will be skipped")
            return


def _install_torch(pip):
    """Install the torch build that fits this machine first, so the course's install keeps it."""
    index, why = torch_choice(platform.system(), platform.machine(),
                              nvidia_driver() if sys.platform.startswith("linux") else None,
                              os.environ.get(TORCH_CHOICE_VARIABLE))
    if index is not None and not reachable(index):
        print(f"[--] {index} cannot be reached: torch comes from the default index instead "
              f"(on Linux that is the CUDA build, about 3 GB). Set {TORCH_CHOICE_VARIABLE}=pypi to skip this check.")
        index = None
    print(f"[OK] torch: {why}" if index is not None or "default index" in why else
          "[OK] torch: from the default index", flush=True)
    extra = ["--index-url", index, "--extra-index-url", "https://pypi.org/simple"] if index else []
    if _run(*pip, "-c", "constraints.txt", *extra, "torch"):
        sys.exit("Installing torch failed: read pip's message above. Set SSLCOURSE_TORCH (cpu, cu128, pypi, "
                 "or an index URL) to choose the build yourself.")


def setup(tests=True):
    """Create .venv and install the course into it (with the test tools unless ``tests`` is False).

    A no-op when nothing changed. ``lab`` installs only what the lessons need.
    """
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    done = STAMP.read_text() if STAMP.exists() and PYTHON.exists() else ""
    if done in (_fingerprint() + "+tests", _fingerprint() + ("" if tests else "+tests")):
        print("[OK] .venv is up to date (delete .venv to rebuild it)")
        return
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [PYTHON, "-m", "pip", "install", "--disable-pip-version-check"]
    _install_torch(pip)
    if _run(*pip, "-c", "constraints.txt", "-e", ".[test]" if tests else "."):
        sys.exit("Installing the course failed: read pip's message above (a network problem is the usual cause).")
    STAMP.write_text(_fingerprint() + ("+tests" if tests else ""))
    print("[OK] .venv is ready")


def lab(args):
    setup(tests=False)
    as_root = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers, Binder-like boxes
        print("[--] running as root (a container?): JupyterLab refuses root unless told, so --allow-root is passed")
        as_root = ["--allow-root"]
    return _run(PYTHON, "-m", "jupyterlab", "--notebook-dir", ROOT, *as_root, *args, "notebooks/00_start_here.ipynb")


def other_kernels(machine=None):
    """The CPU setting of the second nbval pass: torch's scalar kernels, one thread, old BLAS kernels.

    A checked output must hold on every CPU, so ``test`` checks the notebooks again under kernels
    that round differently from this machine's defaults.
    """
    machine = (machine or platform.machine()).lower()
    env = {"ATEN_CPU_CAPABILITY": "default", "OMP_NUM_THREADS": "1"}
    if machine in ("x86_64", "amd64"):
        env["OPENBLAS_CORETYPE"] = "Prescott"  # a pre-AVX x86-64 core: every x86-64 CPU can run it
    return env


def test(args):
    setup()
    _browser()
    sanitize = ROOT / "tests" / "nbval_sanitize.cfg"
    nbval = ["--nbval", "--nbval-sanitize-with", sanitize, "--nbval-current-env", "-q"]
    if args:
        return _run(PYTHON, "-m", "pytest", *args, *nbval)
    failed = _run(PYTHON, "-m", "pytest", "tests", *NOTEBOOK_DIRS, *nbval)
    print("Checking the notebooks again under other CPU kernels (a checked output holds on every CPU) ...")
    failed |= _run(PYTHON, "-m", "pytest", *NOTEBOOK_DIRS, *nbval, extra_env=other_kernels())
    return failed


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
               "site": "build_site.py",
               "matrix": "kernel_matrix.py", "grade": "grade.py"}
    if command in scripts:
        return tool(scripts[command], args)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
