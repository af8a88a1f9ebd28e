"""exercises/ is generated from solutions/, keeps every signature and docstring, and an untouched
exercise notebook runs top to bottom without an error (a stuck learner can go on)."""
import ast
import re
import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def _load_tool():
    spec = importlib.util.spec_from_file_location("make_exercises", ROOT / "tools" / "make_exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_exercises = _load_tool()


def _functions(source):
    """name -> (signature text, docstring) of the functions defined in a cell."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = (ast.unparse(node.args), ast.get_docstring(node))
    return out


def _solution_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "# BEGIN SOLUTION" in c.source]


def test_every_solution_has_an_exercise_and_they_are_in_sync():
    assert [p.name for p in SOLUTIONS] == [p.name for p in EXERCISES]
    for path in SOLUTIONS:
        expected = nbformat.writes(make_exercises.make_exercise(path)) + "\n"
        assert (ROOT / "exercises" / path.name).read_text() == expected, (
            f"exercises/{path.name} is out of date: run python3 course.py exercises")


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_stubs_keep_signature_and_docstring_and_lose_the_solution(path):
    solution = nbformat.read(path, as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / path.name, as_version=4)
    cells = _solution_cells(solution)
    assert len(cells) >= (2 if path.stem == "capstone" else 3), f"{path.name} should hold at least three exercises"
    stubs = {c.source.split("(")[0]: c for c in exercise.cells if c.cell_type == "code"}
    for cell in cells:
        body = cell.source.split("# BEGIN SOLUTION")[1].split("# END SOLUTION")[0].strip().splitlines()
        assert 3 <= len(body) <= 40, f"{path.name}: an exercise should take 3-40 lines, this one {len(body)}"
        stub = stubs[cell.source.split("(")[0]]
        assert _functions(stub.source) == _functions(cell.source)
        assert "raise NotImplementedError" in stub.source and "# TODO" in stub.source
        assert "BEGIN SOLUTION" not in stub.source and body[0].strip() not in stub.source
    for cell in exercise.cells:
        assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


@pytest.mark.parametrize("path", EXERCISES, ids=[p.name for p in EXERCISES])
def test_an_untouched_exercise_notebook_runs_without_errors(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{path.name}: stderr: {out.get('text', '')[:200]}"
            text.append(out.get("text", ""))
    printed = "".join(text)
    assert printed.count("[TODO]") == len(_solution_cells(nbformat.read(ROOT / "solutions" / path.name, 4)))
    assert "Traceback" not in printed


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_every_notebook_has_a_written_question_with_a_model_answer(path):
    """An answer cell (markdown, tagged "answer") holds the model answer in solutions/ and
    "*Your answer here.*" in exercises/, where the grader finds the learner's answer by its tag."""
    answers = [c for c in nbformat.read(path, as_version=4).cells
               if c.cell_type == "markdown" and "answer" in c.metadata.get("tags", [])]
    assert answers, f"{path.name}: no written question"
    for cell in answers:
        assert cell.source.startswith("<!-- BEGIN SOLUTION -->") and cell.source.endswith("<!-- END SOLUTION -->")
    stubs = [c for c in nbformat.read(ROOT / "exercises" / path.name, as_version=4).cells
             if c.cell_type == "markdown" and "answer" in c.metadata.get("tags", [])]
    assert [c.source for c in stubs] == ["*Your answer here.*"] * len(answers)


@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.name for p in SOLUTIONS])
def test_the_time_line_counts_the_new_work(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", first), path.name
