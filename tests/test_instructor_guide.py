"""The instructor guide's lesson table stays in step with the lessons' own time estimates.

(Its run times are one benchmark run, dated in the guide; a rerun on another machine may differ.)
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _time_line(path):
    """'30 min' from the notebook's '**Time:** about 30 minutes' line."""
    first = "".join(json.loads(path.read_text())["cells"][0]["source"])
    found = re.search(r"\*\*Time:\*\* about (\d+) minutes", first)
    assert found, f"{path.name}: no '**Time:** about N minutes' line in the first cell"
    return f"{found.group(1)} min"


def _guide_rows():
    text = (ROOT / "docs" / "INSTRUCTORS.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| [^|]+ \| [^|]+ \| ([^|]+) \| ([^|]+) \| (\d+) s \| (\d+) MB \|$", text, re.M)
    return {n: (learner.strip(), exercises.strip(), int(s), int(mb)) for n, learner, exercises, s, mb in rows}


def test_the_guide_has_a_row_for_every_lesson():
    assert sorted(_guide_rows()) == [p.name[:2] for p in LESSONS]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_learner_and_exercise_times_are_the_notebooks_own(path):
    learner, exercises, _, _ = _guide_rows()[path.name[:2]]
    assert learner == _time_line(path)
    solution = ROOT / "solutions" / f"{path.name[:2]}_exercises.ipynb"
    assert exercises == (_time_line(solution) if solution.exists() else "-")
