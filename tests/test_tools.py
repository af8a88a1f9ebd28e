"""The repo's tools: exercise generation and the benchmark report."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_exercises = _load("make_exercises")
benchmark = _load("benchmark")


def test_strip_code_keeps_signature_and_docstring_and_indentation():
    source = 'def f(x):\n    """Double x."""\n    # BEGIN SOLUTION\n    y = 2 * x\n    return y\n    # END SOLUTION\n'
    assert make_exercises.strip_code(source) == (
        'def f(x):\n    """Double x."""\n    # TODO: your code here\n    raise NotImplementedError\n')


def test_strip_code_rejects_unbalanced_markers():
    with pytest.raises(ValueError, match="unbalanced"):
        make_exercises.strip_code("# BEGIN SOLUTION\nx = 1\n")


def test_exercises_are_in_sync_with_solutions(capsys):
    assert make_exercises.main(["--check"]) == 0, capsys.readouterr().out


def test_benchmark_report_flags_budget_overruns():
    text = benchmark.report([("a.ipynb", 12.0, 300.0), ("b.ipynb", 75.0, 200.0)])
    assert "| a.ipynb | 12.0 | 300 | yes |" in text
    assert "| b.ipynb | 75.0 | 200 | NO |" in text
    assert "| **all** | **87.0** | | yes |" in text


def _course():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = _course()


def test_course_py_pins_no_cpu_kernels(monkeypatch):
    """Outputs are claims that hold on every CPU, so nothing pins torch's, BLAS's or numpy's kernels."""
    for name in ("ATEN_CPU_CAPABILITY", "MKL_CBWR", "ONEDNN_MAX_CPU_ISA", "OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES"):
        monkeypatch.delenv(name, raising=False)
        assert name not in course._env()


CPU, PYPI = "https://download.pytorch.org/whl/cpu", None


@pytest.mark.parametrize("system, machine, driver, override, index, why", [
    ("Linux", "x86_64", None, None, CPU, "CPU-only torch (no NVIDIA driver found)"),
    ("Linux", "aarch64", None, None, CPU, "CPU-only torch"),
    ("Linux", "x86_64", 590, None, "https://download.pytorch.org/whl/cu130", "CUDA torch cu130 (NVIDIA driver 590"),
    ("Linux", "x86_64", 575, None, "https://download.pytorch.org/whl/cu128", "CUDA torch cu128"),
    ("Linux", "x86_64", 565, None, "https://download.pytorch.org/whl/cu126", "CUDA torch cu126"),
    ("Linux", "x86_64", 470, None, CPU, "driver 470 is older than every CUDA build"),
    ("Darwin", "arm64", None, None, PYPI, "default index (Darwin"),
    ("Darwin", "x86_64", None, None, PYPI, "torch 2.2.2 with numpy 1.26"),
    ("Windows", "AMD64", None, None, PYPI, "default index (Windows"),
    ("Linux", "x86_64", None, "pypi", PYPI, "as SSLCOURSE_TORCH=pypi asks"),
    ("Linux", "x86_64", 590, "cpu", CPU, "as SSLCOURSE_TORCH=cpu asks"),
    ("Windows", "AMD64", None, "cu128", "https://download.pytorch.org/whl/cu128", "SSLCOURSE_TORCH=cu128"),
    ("Linux", "x86_64", None, "https://mirror.example/simple", "https://mirror.example/simple", "as SSLCOURSE_TORCH="),
])
def test_torch_choice_fits_the_machine(system, machine, driver, override, index, why):
    got_index, got_why = course.torch_choice(system, machine, driver, override)
    assert got_index == index and why in got_why


def test_an_index_that_cannot_be_reached_is_known_within_seconds():
    import time

    start = time.perf_counter()
    assert course.reachable("https://unreachable.invalid/whl/cpu", timeout=3) is False
    assert time.perf_counter() - start < 10


def test_setup_falls_back_to_the_default_index_when_pytorchs_is_unreachable(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(course, "torch_choice", lambda *a: (CPU, "the CPU-only torch (no NVIDIA driver found)"))
    monkeypatch.setattr(course, "reachable", lambda url, timeout=3.0: False)
    monkeypatch.setattr(course, "_run", lambda *args, **kw: calls.append(args) or 0)
    course._install_torch(["pip", "install"])
    out = capsys.readouterr().out
    assert f"[--] {CPU} cannot be reached: torch comes from the default index instead" in out
    assert "--index-url" not in calls[0] and calls[0][-1] == "torch"


def test_setup_uses_the_chosen_index_when_it_answers(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(course, "torch_choice", lambda *a: (CPU, "the CPU-only torch (no NVIDIA driver found)"))
    monkeypatch.setattr(course, "reachable", lambda url, timeout=3.0: True)
    monkeypatch.setattr(course, "_run", lambda *args, **kw: calls.append(args) or 0)
    course._install_torch(["pip", "install"])
    assert "[OK] torch: the CPU-only torch (no NVIDIA driver found)" in capsys.readouterr().out
    assert calls[0][calls[0].index("--index-url") + 1] == CPU


def test_nvidia_driver_is_read_from_the_kernel_module(monkeypatch, tmp_path):
    version = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  570.86.15  Wed Nov 20 2024\n"
    real = course.Path

    def fake_path(p):
        return real(tmp_path / "version") if str(p) == "/proc/driver/nvidia/version" else real(p)

    (tmp_path / "version").write_text(version)
    monkeypatch.setattr(course, "Path", fake_path)
    assert course.nvidia_driver() == 570


def test_second_nbval_pass_uses_other_kernels():
    assert course.other_kernels("x86_64") == {"ATEN_CPU_CAPABILITY": "default", "OMP_NUM_THREADS": "1",
                                              "OPENBLAS_CORETYPE": "Prescott"}
    assert "OPENBLAS_CORETYPE" not in course.other_kernels("arm64")


def test_lab_says_why_it_passes_allow_root(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(course, "setup", lambda **kw: None)
    monkeypatch.setattr(course.os, "geteuid", lambda: 0, raising=False)
    monkeypatch.setattr(course, "_run", lambda *args, **kw: calls.append(args) or 0)
    course.lab([])
    assert "running as root" in capsys.readouterr().out and "--allow-root" in calls[0]
