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


def test_same_kernels_only_on_x86_64_cpus_with_avx2():
    assert course.same_kernels_env("x86_64", {"fma", "avx2", "avx512f"}) == course.SAME_KERNELS
    assert course.same_kernels_env("AMD64", {"avx2"}) == course.SAME_KERNELS  # Windows spells it so
    assert course.same_kernels_env("x86_64", {"sse4_2", "avx"}) == {}  # no AVX2: leave the defaults
    assert course.same_kernels_env("arm64", {"avx2"}) == {}


def test_commands_run_by_course_py_use_the_avx2_kernels(monkeypatch):
    """What lab, test, execute and benchmark start (kernels included) computes with AVX2 kernels."""
    import subprocess

    if not course.same_kernels_env():
        pytest.skip("not an x86-64 CPU with AVX2: the library defaults are kept")
    for name in course.SAME_KERNELS:  # a value the user set would win: start from none
        monkeypatch.delenv(name, raising=False)
    probe = ("import threadpoolctl, torch; print(torch.backends.cpu.get_cpu_capability(), "
             "sorted({i.get('architecture') for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'}))")
    env = course._env()
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.split(None, 1) == ["AVX2", "['Haswell']\n"], done.stderr
