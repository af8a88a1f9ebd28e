"""Set-up files agree with each other, and the environment helpers behave."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import sslcourse as sc
from sslcourse.env import REQUIREMENTS

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"torch": "pytorch"}  # PyPI name -> conda-forge name, where they differ

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")


def _pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", r).groups() for r in reqs)


def _environment_yml_requirements():
    deps = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s+- ([A-Za-z0-9_.-]+)>=([0-9.]+)", line)
        if match:
            deps[match[1]] = match[2]
    return deps


def test_environment_yml_lists_every_pyproject_package_with_the_same_minimum():
    conda = _environment_yml_requirements()
    expected = {CONDA_NAMES.get(name, name): version for name, version in _pyproject_requirements().items()}
    expected["python"] = "3.10"
    assert conda == expected


def test_environment_yml_is_a_repo2docker_conda_file():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^channels:\n  - conda-forge$", text, re.M)
    assert re.search(r"^      - -e \.$", text, re.M), "environment.yml must install the course package with pip"


def test_check_environment_minimums_match_pyproject():
    pyproject = _pyproject_requirements()
    assert {dist: minimum for dist, minimum in REQUIREMENTS.values()} == {
        dist: pyproject[dist] for dist, _ in REQUIREMENTS.values()}


def test_constraints_pin_every_runtime_package():
    pinned = {line.split("==")[0] for line in (ROOT / "constraints.txt").read_text().splitlines()
              if "==" in line and not line.startswith("#")}
    assert set(_pyproject_requirements()) <= pinned


def test_check_environment_prints_one_line_per_requirement(capsys):
    assert sc.check_environment() is True
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + len(REQUIREMENTS) + 1
    assert all(line.startswith("[OK] ") for line in lines)
    assert lines[-1].startswith("[OK] device: ")


def test_check_environment_fails_on_a_too_old_package(monkeypatch, capsys):
    monkeypatch.setitem(REQUIREMENTS, "numpy", ("numpy", "999.0"))
    assert sc.check_environment() is False
    assert "[FAIL] numpy" in capsys.readouterr().out


def test_seed_everything_returns_a_seeded_generator():
    a, b = sc.seed_everything(3), sc.seed_everything(3)
    assert isinstance(a, np.random.Generator)
    assert a.random() == b.random()
    assert sc.seed_everything(4).random() != sc.seed_everything(3).random()


@pytest.mark.parametrize("seed, error, match", [(-1, ValueError, "at least 0"), (1.5, TypeError, "whole number")])
def test_seed_everything_rejects_bad_seeds(seed, error, match):
    with pytest.raises(error, match=match):
        sc.seed_everything(seed)


def test_readme_quick_start_is_exactly_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\n.*?```(?:bash|sh)?\n(.*?)```", readme, re.S)[1]
    commands = [l for l in block.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands == ["python3 course.py lab", "python3 course.py test"]
    assert "python3 course.py test" in (ROOT / ".ci" / "run").read_text()


def test_check_environment_fails_when_the_device_cannot_compute(monkeypatch, capsys):
    import sslcourse.env as env

    monkeypatch.setattr(env, "_device_works", lambda device: (False, "RuntimeError: no kernel image"))
    assert sc.check_environment() is False
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("[FAIL] device: cpu (")
    assert "small matrix product failed there (RuntimeError: no kernel image)" in last


PLATFORMS = {  # PEP 508 marker environments of the machines learners bring
    "linux": dict(sys_platform="linux", platform_machine="x86_64", python_version="3.11"),
    "linux-py310": dict(sys_platform="linux", platform_machine="x86_64", python_version="3.10"),
    "linux-arm": dict(sys_platform="linux", platform_machine="aarch64", python_version="3.12"),
    "apple-silicon": dict(sys_platform="darwin", platform_machine="arm64", python_version="3.13"),
    "intel-mac": dict(sys_platform="darwin", platform_machine="x86_64", python_version="3.12"),
    "windows": dict(sys_platform="win32", platform_machine="AMD64", python_version="3.11"),
}


def _pins(environment):
    from packaging.requirements import Requirement

    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" not in line or line.startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(environment):
            assert req.name not in pins, f"two pins of {req.name} apply on {environment}"
            pins[req.name] = str(req.specifier)
    return pins


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_constraints_pin_each_package_once_on_every_platform(name):
    pins = _pins(PLATFORMS[name])
    assert set(_pyproject_requirements()) <= set(pins)
    if name == "intel-mac":
        assert (pins["torch"], pins["numpy"]) == ("==2.2.2", "==1.26.4")
    else:
        assert pins["torch"] == "==2.13.0" and pins["numpy"].startswith("==2.")
