"""Every committed notebook is clean: executed in order from a fresh kernel, no errors, no
machine paths, the python3 kernel, and the standard frame (title, time estimate, summary)."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXECUTED = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MACHINE_PATH = re.compile(r"(/root/|/work/|/home/[a-z]+/|/Users/[A-Za-z]+/|C:\\\\Users)")


def _load(path):
    return json.loads(path.read_text())


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_there_are_lessons():
    assert (ROOT / "notebooks" / "00_start_here.ipynb").exists()
    assert (ROOT / "notebooks" / "01_the_idea.ipynb").exists()


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_executed_in_order_from_a_fresh_kernel(path):
    counts = [c["execution_count"] for c in _load(path)["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"re-run with: python3 course.py execute {path.relative_to(ROOT)}"


@pytest.mark.parametrize("path", EXECUTED, ids=_ids(EXECUTED))
def test_no_error_outputs_and_no_stderr(path):
    for cell in _load(path)["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"a cell ends in {out.get('ename')}: {''.join(cell['source'])[:80]}"
            if out.get("name") == "stderr" and "NBVAL_IGNORE_OUTPUT" not in "".join(cell["source"]):
                raise AssertionError(f"stderr in a checked cell: {''.join(out['text'])[:200]}")


@pytest.mark.parametrize("path", EXECUTED + sorted((ROOT / "exercises").glob("*.ipynb")), ids=_ids(
    EXECUTED + sorted((ROOT / "exercises").glob("*.ipynb"))))
def test_no_machine_paths_and_python3_kernel(path):
    text = path.read_text()
    match = MACHINE_PATH.search(text)
    assert match is None, f"holds a path of this machine: {match[0] if match else ''}"
    assert _load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_frame(path):
    cells = _load(path)["cells"]
    first = "".join(cells[0]["source"])
    number = path.name[:2]
    assert cells[0]["cell_type"] == "markdown" and first.startswith(f"# {number} · ")
    assert "**You will**" in first and "**Prerequisites:**" in first
    assert re.search(r"\*\*Time:\*\* about \d+ minutes", first)
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "## Summary" in markdown and "## Going further" in markdown
    setup = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    assert "import sslcourse as sc" in setup and "sc.seed_everything(" in setup


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_no_installs_or_downloads(path):
    code = "\n".join("".join(c["source"]) for c in _load(path)["cells"] if c["cell_type"] == "code")
    assert not re.search(r"^\s*[!%]\s*pip", code, re.M)
    assert "urlopen" not in code and "requests.get" not in code and "download=True" not in code


# What makes a cell's output differ from machine to machine, as whole words (a variable named
# train_ids or a config is no reason): plots, timings, progress bars, devices, versions, widgets,
# subprocesses, and the calls that train.
UNSTABLE = re.compile(
    r"\bplt\.|\bfig\b|\bax\b|\btime\.|\bperf_counter\b|%%?time|\btqdm\b|\bdevice\b|\bcheck_environment\(|__version__"
    r"|\bversion\b|\bdisplay\(|\bwidgets?\.|\bprofile\b|Explorer\(|\bbenchmark\b|\bcuda\b|\btorchrun\b|\bsubprocess\b"
    r"|\b(train|train_gpt|train_classifier|pretrain_images|pretrain_words|fine_tune)\(")


@pytest.mark.parametrize("src, justified", [
    ("history = sc.nn_numpy.train(model, ids, steps=10, rng=rng)", True),
    ("fig, ax = plt.subplots()", True),
    ("print(f'{time.perf_counter() - start:.1f} s')", True),
    ("print(sc.check_environment())", True),
    ("print(train_ids.shape)", False),  # a name with "train" in it is no reason
    ("print(config)", False),  # nor one with "fig" in it
    ("print(times[0] + 1)", False),
    ("print(sc.tasks.score(probs, targets))", False),
])
def test_the_ignore_guard_matches_whole_words_only(src, justified):
    assert bool(UNSTABLE.search(src)) is justified


def _shows_unstable(cell):
    """A plot, a widget or a progress bar (on stderr) among the cell's committed outputs."""
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if "image/png" in data or "application/vnd.jupyter.widget-view+json" in data or out.get("name") == "stderr":
            return True
    return False


def test_nbval_ignore_is_only_on_cells_that_need_it():
    """A cell marked NBVAL_IGNORE_OUTPUT holds a plot, a timing, a progress bar or a machine-dependent
    line, or prints trained numbers with the claims the prose makes about them checked in a later
    code cell of the same section (``sc.claim``, the output policy). A cell that only prints numbers nbval could check,
    with no claim behind it, is flagged."""
    for path in EXECUTED:
        cells = _load(path)["cells"]
        for i, cell in enumerate(cells):
            src = "".join(cell["source"])
            if cell["cell_type"] != "code" or "NBVAL_IGNORE_OUTPUT" not in src or UNSTABLE.search(src) or _shows_unstable(cell):
                continue
            claimed = False  # a checked sc.claim line (or exercise checker) in the same section
            start = max([j for j in range(i) if cells[j]["cell_type"] == "markdown"
                         and re.search(r"^#{1,2} ", "".join(cells[j]["source"]), re.M)] or [0])
            end = next((j for j in range(i + 1, len(cells)) if cells[j]["cell_type"] == "markdown"
                        and re.search(r"^#{1,2} ", "".join(cells[j]["source"]), re.M)), len(cells))
            for other in cells[start:end]:
                text = "".join(other["source"])
                if other["cell_type"] == "code" and "NBVAL_IGNORE_OUTPUT" not in text and re.search(
                        r"\bsc\.claim(_true)?\(|\bsc\.checks\.(check_|run_experiment)", text):
                    claimed = True
                    break
            assert claimed, f"{path.name}: an ignored cell with nothing unstable and no sc.claim line (or checker) in its section:\n{src[:200]}"


@pytest.mark.parametrize("lesson, explorer, summary, checked", [
    ("01_the_idea", "MaskedWordExplorer", "predicting word", True),  # neighbour counts: exact
    ("04_pytorch_and_gpu", "MaskedWordExplorer", "predicting word", False),  # a trained transformer
    ("05_masked_images", "ImageMaskExplorer", "pixels hidden", False)])  # a trained image model
def test_the_explorers_are_in_their_lessons_and_show_their_text_summary(lesson, explorer, summary, checked):
    """Each explorer sits in its lesson, and its committed output carries the text summary that
    consoles and static pages show (the widget view beside it). nbval checks it where the predictor
    is exact; a trained model's probabilities move with the CPU, so there it is not compared."""
    cells = [c for c in _load(ROOT / "notebooks" / f"{lesson}.ipynb")["cells"]
             if c["cell_type"] == "code" and f"sc.widgets.{explorer}(" in "".join(c["source"])]
    assert len(cells) == 1, f"{lesson}: expected one cell building sc.widgets.{explorer}, found {len(cells)}"
    src = "".join(cells[0]["source"])
    assert ("NBVAL_IGNORE_OUTPUT" not in src) == checked
    data = cells[0]["outputs"][0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert summary in "".join(data["text/plain"])
