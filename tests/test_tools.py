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
