"""A real JupyterLab in a real browser: the explorers render and react to input.

JupyterLab is started as ``python3 course.py lab`` starts it (``python -m jupyterlab``), on
127.0.0.1 only, on a free port, with a random token, in a temporary folder holding copies of
the notebooks (so autosave never touches the repository). Headless Chromium (Debian's package,
which ``python3 course.py setup`` installs as root) is driven by Playwright. Screenshots go
to ``build/screenshots/``.
"""
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "screenshots"
SETTINGS = {  # a clean JupyterLab: no news feed, no update check, no kernel dialog on opening
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}
KERNEL_IDLE = """() => {
    const bar = document.querySelector('#jp-main-statusbar');
    return bar !== null && /Python 3[^|]*\\| Idle/.test(bar.innerText);
}"""
IMAGE_NOTEBOOK = [
    "import sslcourse as sc\nimages, labels = sc.data.load_digits()",
    "explorer = sc.widgets.ImageMaskExplorer(images[:20], labels=labels[:20])\nexplorer",
]


def browser_or_skip():
    """Playwright's sync API, or skip saying what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run python3 course.py setup")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (python3 course.py test does, as root)")
    return sync_api


def lesson_with_word_explorer():
    """The first lesson notebook with a masked-word explorer cell, or None."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "code" and "MaskedWordExplorer" in c.source for c in nb.cells):
            return path
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, process, log, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process):
    """Stop the server and whatever it started (its own process group), politely first."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # JupyterLab shuts its kernels down on SIGINT x2
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # leftovers of this group only (kernels)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on copies of the notebooks; yields ``(base_url, token, folder)``."""
    browser_or_skip()
    work, home = tmp_path_factory.mktemp("lab"), tmp_path_factory.mktemp("lab-home")
    lesson = lesson_with_word_explorer()
    if lesson is not None:
        shutil.copy(lesson, work / lesson.name)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in IMAGE_NOTEBOOK])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, work / "image_explorer.ipynb")
    for name, value in SETTINGS.items():
        (home / "settings" / name).parent.mkdir(parents=True, exist_ok=True)
        (home / "settings" / name).write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    log = home / "jupyterlab.log"
    command = [sys.executable, "-m", "jupyterlab", "--notebook-dir", str(work), "--no-browser",
               f"--port={port}", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI and containers run as root
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/api/status?token={token}", process, log)
        yield base, token, work
    finally:
        stop(process)


@pytest.fixture(scope="module")
def page(lab):
    """A headless Chromium page."""
    sync_api = browser_or_skip()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


@contextlib.contextmanager
def screenshot_on_failure(page, name):
    """Keep a picture of the page when a check fails: build/screenshots/NAME-failed.png."""
    try:
        yield
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-failed.png"))
        raise


def open_notebook(page, lab, name):
    """Open a notebook in a workspace of its own (no tabs restored from another test)."""
    base, token, _ = lab
    workspace = Path(name).stem.replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}", timeout=90_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    page.wait_for_function(KERNEL_IDLE, timeout=90_000)  # cells run before this are dropped


def run_all(page):
    """Run -> Run All Cells, from the menu bar as a learner would."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def expect_text(output, text):
    """Wait until the explorer's summary (re-rendered on each change) contains ``text``."""
    browser_or_skip().expect(output.locator(".sslcourse-summary")).to_contain_text(text, timeout=30_000)


def summary(output):
    return output.locator(".sslcourse-summary").inner_text()


def test_image_explorer_renders_and_follows_the_masking_ratio_slider(lab, page):
    with screenshot_on_failure(page, "image_explorer"):
        check_image_explorer(page, lab)


def check_image_explorer(page, lab):
    """Run the scratch notebook; two key presses on the ratio slider re-mask the digit."""
    open_notebook(page, lab, "image_explorer.ipynb")
    run_all(page)
    output = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-slider")).first
    output.locator(".sslcourse-summary").wait_for(timeout=120_000)
    before = summary(output)
    assert "hiding 0.50 of the pixels: 32 of 64 pixels hidden" in before
    assert output.locator("img").first.evaluate("img => img.naturalWidth") > 0
    handle = output.locator(".widget-slider").first.locator(".noUi-handle").first
    for expected in ("hiding 0.55", "hiding 0.60"):  # one key press, one step of 0.05
        handle.focus()
        handle.press("ArrowRight")
        expect_text(output, expected)
    assert "38 of 64 pixels hidden" in summary(output)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    output.screenshot(path=str(SCREENSHOTS / "image_explorer.png"))


def test_word_explorer_in_a_lesson_renders_and_follows_a_new_sentence(lab, page):
    lesson = lesson_with_word_explorer()
    if lesson is None:
        pytest.skip("no lesson notebook has a MaskedWordExplorer cell yet")
    with screenshot_on_failure(page, "word_explorer"):
        check_word_explorer(page, lab, lesson)


def check_word_explorer(page, lab, lesson):
    """Run the lesson; a new sentence from the dropdown, then a click on a word, update the text."""
    open_notebook(page, lab, lesson.name)
    run_all(page)
    output = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-toggle-button")).first
    output.locator(".sslcourse-summary").wait_for(timeout=180_000)
    before = summary(output)
    select = output.locator(".widget-dropdown select").first
    second = select.locator("option").nth(1).inner_text()
    select.select_option(index=1)
    expect_text(output, " ".join(second.split()[:-1]) + " [?]")
    assert summary(output) != before
    output.locator(".widget-toggle-button").first.click()  # hide the first word as well
    expect_text(output, "predicting word 1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    output.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "word_explorer_lab.png"))
    output.screenshot(path=str(SCREENSHOTS / "word_explorer.png"))
