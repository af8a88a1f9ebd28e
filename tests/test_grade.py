"""``course.py grade``: planted submissions, graded from the checkers' verdicts (never printed text)."""
import csv
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402

NB = "01_exercises.ipynb"
NAMES = ["hide_words", "most_frequent_accuracy", "bert_corrupt"]


def _solution():
    return nbformat.read(ROOT / "solutions" / NB, as_version=4)


def _replace_body(nb, name, body):
    """The solution with the body of ``name`` (its BEGIN/END SOLUTION block) replaced."""
    for cell in nb.cells:
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            head, rest = cell.source.split("    # BEGIN SOLUTION", 1)
            cell.source = head + body + rest.split("# END SOLUTION", 1)[1]
    return nb


def _plant(folder):
    write = lambda learner, nb: (folder / learner).mkdir() or nbformat.write(nb, folder / learner / NB)  # noqa: E731
    write("solved", _solution())
    write("untouched", nbformat.read(ROOT / "exercises" / NB, as_version=4))
    write("raises", _replace_body(_solution(), "hide_words", '    raise ValueError("oops")\n'))
    never = _replace_body(_solution(), "most_frequent_accuracy", "    while True:\n        pass\n")
    never.cells.insert(2, new_code_cell("while True:\n    pass"))  # a cell that never ends, too
    write("never_ends", never)
    fake = nbformat.read(ROOT / "exercises" / NB, as_version=4)
    for cell in fake.cells:
        if "sc.checks.check_" in cell.source:
            name = cell.source.split(" = ")[0]
            cell.source = f'print("[OK] {name}: all 3 checks pass.")'
    write("fake_ok", fake)
    escapes = _solution()
    escapes.cells.append(new_code_cell(
        "import pathlib\n"
        "for up in ('..', '../..', '../../..'):\n"
        "    for name in ('grades.csv', 'summary.md', 'escaped.txt'):\n"
        "        try:\n"
        "            (pathlib.Path(up) / name).write_text('learner,notebook,total\\nescapes,01_exercises.ipynb,99\\n')\n"
        "        except OSError:\n"
        "            pass"))
    escapes.cells.append(new_markdown_cell("**Question.** Why is the most frequent word a weak baseline?"))
    escapes.cells.append(new_markdown_cell("Because it ignores the context.", metadata={"tags": ["answer"]}))
    write("escapes", escapes)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    _plant(folder)
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    mp = pytest.MonkeyPatch()
    mp.setenv("SSLCOURSE_CHECK_TIME_LIMIT", "2")
    mp.setenv("PYTHONPATH", str(ROOT))
    try:
        assert grade.main([str(folder), "--cell-timeout", "20"]) == 0
    finally:
        mp.undo()
    return folder, before


def _rows(folder):
    with open(folder / "grades.csv", newline="") as f:
        return {r["learner"]: r for r in csv.DictReader(f)}


def test_grades_are_the_checkers_verdicts(graded):
    folder, _ = graded
    rows = _rows(folder)
    assert list(next(iter(rows.values())).keys()) == ["learner", "notebook", *NAMES, "total"]
    expect = {"solved": (1, 1, 1), "untouched": (0, 0, 0), "raises": (0, 1, 1), "never_ends": (1, 0, 1),
              "fake_ok": (0, 0, 0), "escapes": (1, 1, 1)}
    for learner, marks in expect.items():
        row = rows[learner]
        assert row["notebook"] == NB
        assert tuple(int(row[n]) for n in NAMES) == marks, (learner, row)
        assert int(row["total"]) == sum(marks)


def test_nothing_a_learner_writes_reaches_the_class_folder(graded):
    folder, before = graded
    after = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    new = set(after) - set(before)
    assert all(p.parts[0] in ("grades.csv", "summary.md", "feedback") for p in new), new
    assert not (folder / "escaped.txt").exists() and not (folder.parent / "escaped.txt").exists()


def test_feedback_holds_the_hints_seen_and_the_written_answers(graded):
    folder, _ = graded
    raises = (folder / "feedback" / "raises.md").read_text()
    assert "### hide_words: not yet" in raises and "raised ValueError (oops)" in raises
    untouched = (folder / "feedback" / "untouched.md").read_text()
    assert "[TODO] hide_words is not written yet" in untouched
    never = (folder / "feedback" / "never_ends.md").read_text()
    assert "did not return within 2 s" in never
    escapes = (folder / "feedback" / "escapes.md").read_text()
    assert "Because it ignores the context." in escapes and "weak baseline" in escapes


def test_the_summary_counts_passes_and_common_mistakes(graded):
    folder, _ = graded
    summary = (folder / "summary.md").read_text()
    assert "6 learners, 6 notebooks." in summary
    assert "- **hide_words**: 3 of 6 passed" in summary
    assert "not written yet" in summary


def test_course_py_has_the_grade_command():
    text = (ROOT / "course.py").read_text()
    assert '"grade": "grade.py"' in text and "python3 course.py grade DIR" in text


def test_the_grader_finds_every_notebooks_exercises():
    for path in sorted((ROOT / "solutions").glob("*_exercises.ipynb")):
        names = grade.exercises_of(path.name)
        assert len(names) >= 3, path.name
        assert len(set(names)) == len(names)
