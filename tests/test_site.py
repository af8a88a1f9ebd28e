"""The rendered course site (``python3 course.py site``).

A small made-up course pins what the builder does; the real course is then built into a
temporary folder and every page opened in headless Chromium: it loads, every internal link
resolves (anchors included) and every figure shows.
"""
import base64
import importlib.util
import json
import re
import urllib.parse
from pathlib import Path

import nbformat
import pytest

from test_browser import CHROMIUM_ARGS, CHROMIUM, browser_or_skip

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)

PNG = base64.b64decode(  # a 1 x 1 black pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
v4 = nbformat.v4


def _notebook(*cells):
    nb = v4.new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _made_up_course(root):
    """README with a course map, one lesson (a figure, a widget), its exercises and solutions, a doc."""
    (root / "README.md").write_text("# A course\n\n| # | notebook |\n|---|---|\n"
                                    "| 01 | [first](notebooks/01_first.ipynb) |\n\nSee [the guide](docs/GUIDE.md).\n")
    for folder in ("notebooks", "exercises", "solutions", "docs"):
        (root / folder).mkdir()
    figure = v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode(), "text/plain": "<Figure>"})
    widget = v4.new_output("execute_result", execution_count=2, data={
        "text/plain": "explorer summary: 32 of 64 pixels hidden",
        build_site.WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"}})
    nbformat.write(_notebook(
        v4.new_markdown_cell("# 01 · First\n\nTry [the exercises](../solutions/01_exercises.ipynb), "
                             "read [the environment](../environment.yml) or [a section](#First)."),
        v4.new_code_cell("plot()", outputs=[figure], execution_count=1),
        v4.new_code_cell("explorer", outputs=[widget], execution_count=2)), root / "notebooks" / "01_first.ipynb")
    nbformat.write(_notebook(v4.new_markdown_cell("# 01 · Exercises"), v4.new_code_cell("# TODO\nraise NotImplementedError")),
                   root / "exercises" / "01_exercises.ipynb")
    nbformat.write(_notebook(v4.new_code_cell("# BEGIN SOLUTION\nsecret = 42\n# END SOLUTION")),
                   root / "solutions" / "01_exercises.ipynb")
    (root / "docs" / "GUIDE.md").write_text("# Guide\n\nBack to [the map](../README.md).\n")
    (root / "environment.yml").write_text("name: course\n")
    return root


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = _made_up_course(tmp_path_factory.mktemp("course"))
    out = tmp_path_factory.mktemp("small-site")
    return out, build_site.build(root, out)


def _text(path):
    return path.read_text(encoding="utf-8")


def test_pages_come_in_reading_order_with_exercises_after_their_lesson(small_site):
    out, pages = small_site
    assert [p.relative_to(out).as_posix() for p in pages] == [
        "index.html", "notebooks/01_first.html", "exercises/01_exercises.html", "docs/GUIDE.html"]


def test_lessons_keep_figures_and_show_a_widgets_text_summary(small_site):
    out, _ = small_site
    lesson = _text(out / "notebooks" / "01_first.html")
    assert "data:image/png;base64," in lesson
    assert "explorer summary: 32 of 64 pixels hidden" in lesson and "abc" not in lesson


def test_links_point_at_pages_and_never_at_solutions(small_site):
    out, _ = small_site
    lesson = _text(out / "notebooks" / "01_first.html")
    assert 'href="../exercises/01_exercises.html"' in lesson
    assert 'href="../environment.yml"' in lesson and (out / "environment.yml").exists()
    assert 'href="../index.html"' in _text(out / "docs" / "GUIDE.html")
    assert 'href="notebooks/01_first.html"' in _text(out / "index.html")
    assert not any("solution" in p.name for p in out.rglob("*"))
    assert not any("BEGIN SOLUTION" in _text(p) or "secret" in _text(p) for p in out.rglob("*.html"))


def test_every_page_has_previous_next_and_the_course_map(small_site):
    out, _ = small_site
    exercises = _text(out / "exercises" / "01_exercises.html")
    nav = re.findall(r'<nav class="sslcourse-nav">(.*?)</nav>', exercises)
    assert len(nav) == 2
    assert re.findall(r'href="([^"]+)"', nav[0]) == ["../notebooks/01_first.html", "../index.html", "../docs/GUIDE.html"]


def test_the_builder_refuses_to_empty_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(SystemExit, match="not made by build_site.py"):
        build_site.prepare(tmp_path)
    assert (tmp_path / "precious.txt").exists()


COLLECT = """() => ({
    title: document.title,
    navs: document.querySelectorAll('nav.sslcourse-nav').length,
    links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
    ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
    images: Array.from(document.images, i => [i.src.slice(0, 80), i.complete && i.naturalWidth > 0]),
})"""


def _visit(page, path):
    response = page.goto(path.as_uri(), wait_until="load", timeout=60_000)
    assert response is None or response.ok, f"{path} did not load"
    return page.evaluate(COLLECT)


def _check_links(site, seen):
    """Every file:// link lands on a file of the site, and every #anchor on an id of that page.

    Browsers match a fragment as written or percent-decoded (nbconvert writes ids encoded).
    """
    broken, ids = [], {path: set(info["ids"]) for path, info in seen.items()}
    for page_path, info in seen.items():
        for href in info["links"]:
            url = urllib.parse.urlparse(href)
            if url.scheme != "file":
                continue
            target = Path(urllib.parse.unquote(url.path))
            if site not in target.parents or not target.exists():
                broken.append(f"{page_path.relative_to(site)} -> {href}")
            elif url.fragment and target in seen and not {url.fragment, urllib.parse.unquote(url.fragment)} & ids[target]:
                broken.append(f"{page_path.relative_to(site)} -> {href} (no such anchor)")
    return broken


def test_the_real_course_site_loads_in_chromium_with_links_and_figures(tmp_path):
    sync_api = browser_or_skip()
    pages = build_site.build(ROOT, tmp_path / "site")
    site = (tmp_path / "site").resolve()
    lessons = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.stem for p in (site / "notebooks").glob("*.html")) == lessons
    seen = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context()
            context.route(re.compile(r"^https?://"), lambda route: route.abort())  # offline: CDNs fail fast
            page = context.new_page()
            for path in pages:
                seen[path.resolve()] = _visit(page, path.resolve())
        finally:
            browser.close()
    for path, info in seen.items():
        assert info["title"] and info["navs"] == 2, f"{path.relative_to(site)}: no title or navigation"
        missing = [src for src, shown in info["images"] if not shown]
        assert not missing, f"{path.relative_to(site)}: figures that do not show: {missing}"
    broken = _check_links(site, seen)
    assert not broken, "links that lead nowhere:\n" + "\n".join(broken)
    n_figures = sum(len(info["images"]) for info in seen.values())
    print(json.dumps({"pages": len(seen), "figures": n_figures}))
