"""Seeds, the environment check, and the choice of device."""
from __future__ import annotations

import importlib
import platform
import random
import sys

import numpy as np

from ._validation import check_int

# package (import name, distribution name) -> minimum version; pyproject.toml says the same
REQUIREMENTS = {
    "numpy": ("numpy", "1.24"),
    "torch": ("torch", "2.2"),
    "matplotlib": ("matplotlib", "3.7"),
    "sklearn": ("scikit-learn", "1.3"),
    "ipywidgets": ("ipywidgets", "8.1"),
    "jupyterlab": ("jupyterlab", "4.0"),
    "tqdm": ("tqdm", "4.66"),
}
MIN_PYTHON = (3, 10)


def seed_everything(seed):
    """Seed Python's, numpy's and torch's global generators, and return a fresh numpy Generator.

    The course's own functions never use global random state: pass the returned ``rng``
    (or a ``torch.Generator``) to them. The global seeds are for your own experiments.
    """
    seed = check_int(seed, "seed", minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch") or _try_import("torch")
    if torch is not None:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


def _try_import(name):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _version_tuple(text):
    parts = []
    for piece in text.split("+")[0].split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def default_device():
    """The best device here, as a string: "cuda", then "mps", then "cpu"."""
    torch = _try_import("torch")
    if torch is None:
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def describe_device(device):
    """One line naming the device, e.g. 'cuda (NVIDIA H100)' or 'cpu (2 threads)'."""
    torch = _try_import("torch")
    if device == "cuda":
        return f"cuda ({torch.cuda.get_device_name(0)})"
    if device == "mps":
        return "mps (Apple GPU)"
    threads = torch.get_num_threads() if torch is not None else 1
    return f"cpu ({platform.machine()}, {threads} threads)"


def check_environment():
    """Print one [OK]/[FAIL] line per requirement, then the device; return True if all pass."""
    ok = sys.version_info[:2] >= MIN_PYTHON
    need = ".".join(map(str, MIN_PYTHON))
    print(f"[{'OK' if ok else 'FAIL'}] Python {platform.python_version()} (need >= {need})")
    for module, (dist, minimum) in REQUIREMENTS.items():
        ok &= _check_package(module, dist, minimum)
    device = default_device()
    works, why = _device_works(device)
    hint = "" if device != "cpu" else "; no GPU found, which is fine: every lesson runs on CPU"
    if works:
        print(f"[OK] device: {describe_device(device)}, a small matrix product ran there{hint}")
    else:
        print(f"[FAIL] device: {describe_device(device)} is found but a small matrix product failed there "
              f"({why}): run the README's set-up command again, or use device='cpu'")
    return bool(ok and works)


def _device_works(device):
    """(True, "") when a 2x2 matrix product on ``device`` gives the right answer, else (False, why)."""
    torch = _try_import("torch")
    if torch is None:
        return True, ""  # reported above as a missing package
    try:
        a = torch.ones(2, 2, device=device)
        right = bool(((a @ a).cpu() == 2).all())
    except Exception as err:  # a driver or build problem shows up as any kind of error: report it
        return False, f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    return right, "" if right else "wrong result"


def _check_package(module, dist, minimum):
    mod = _try_import(module)
    if mod is None:
        print(f"[FAIL] {dist} is not installed (need >= {minimum}): run the README's set-up command")
        return False
    version = getattr(mod, "__version__", "0")
    good = _version_tuple(version) >= _version_tuple(minimum)
    fix = "" if good else ": upgrade it with the README's set-up command"
    print(f"[{'OK' if good else 'FAIL'}] {dist} {version} (need >= {minimum}){fix}")
    return good
