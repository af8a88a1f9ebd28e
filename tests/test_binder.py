"""environment.yml works for repo2docker's conda path: Binder, and a JupyterHub image built from it.

What repo2docker does with it (its ``CondaBuildPack``): it picks the conda build pack when it
finds ``environment.yml`` (a ``binder/`` or ``.binder/`` folder, or a Dockerfile, would take
precedence), reads the Python version only from ``python=X.Y`` (anything else builds on its default
Python), and runs ``mamba env update -f environment.yml``; a local pip requirement such as
``-e .`` makes it copy the repository in first, so the course package installs.
"""
import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER_DEFAULT_PYTHON = (3, 10)  # what repo2docker builds on when no python=X.Y is pinned
SPEC = re.compile(r"(?P<name>[a-z0-9][a-z0-9_.-]*)\s*(?:(?P<op>>=|<=|==|=|>|<|!=)\s*(?P<version>[0-9][0-9a-z.*]*))?")


@pytest.fixture(scope="module")
def env():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _conda_deps(env):
    return [d for d in env["dependencies"] if isinstance(d, str)]


def _pip_deps(env):
    sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, "environment.yml needs exactly one '- pip:' section"
    return sections[0]


def test_it_is_a_mapping_with_a_name_channels_and_dependencies(env):
    assert isinstance(env, dict)
    assert isinstance(env.get("name"), str) and env["name"]
    assert isinstance(env.get("channels"), list) and env["channels"], "name a channel (conda-forge)"
    assert "conda-forge" in env["channels"]
    assert isinstance(env.get("dependencies"), list) and env["dependencies"]
    assert all(isinstance(d, (str, dict)) for d in env["dependencies"])


def test_every_conda_dependency_is_a_plain_match_spec(env):
    bad = [d for d in _conda_deps(env) if not SPEC.fullmatch(d)]
    assert not bad, f"not a conda match spec (name, optionally >=version): {bad}"


def test_pip_is_listed_and_installs_the_course_package_from_the_repository(env):
    assert "pip" in _conda_deps(env), "list pip as a conda dependency, or conda ignores the pip section"
    assert any(line.strip() in ("-e .", ".") for line in _pip_deps(env))


def test_the_python_it_asks_for_includes_what_repo2docker_builds_on(env):
    python = [SPEC.fullmatch(d) for d in _conda_deps(env) if SPEC.fullmatch(d)["name"] == "python"]
    assert len(python) == 1, "name python once"
    op, version = python[0]["op"], python[0]["version"]
    if op in ("=", "=="):  # repo2docker reads this pin and builds that Python
        return
    assert op == ">=", f"use python>=X.Y or python=X.Y, got python{op}{version}"
    assert tuple(int(p) for p in version.split(".")[:2]) <= REPO2DOCKER_DEFAULT_PYTHON


def test_nothing_takes_precedence_over_environment_yml_in_repo2docker():
    shadowing = [p for p in ("binder", ".binder", "Dockerfile", "environment.yaml") if (ROOT / p).exists()]
    assert not shadowing, f"repo2docker would use {shadowing} instead of the top-level environment.yml"
