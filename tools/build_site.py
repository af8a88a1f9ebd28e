"""Build the course as a static web site, to read without running anything.

    python3 course.py site                      # -> build/site/index.html
    python tools/build_site.py --out DIR        # somewhere else

The site mirrors the repository: ``index.html`` is the README (the course map), then
``notebooks/NN_name.html`` (lessons with their stored outputs and figures),
``exercises/NN_name.html`` (exercises, never the solutions) and ``docs/NAME.html``. Every page
has links to the previous and next page and to the course map. Links between notebooks and
documents are rewritten to their pages; other repository files they link to are copied.
"""
from __future__ import annotations

import argparse
import copy
import html
import posixpath
import re
import shutil
import sys
import urllib.parse
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
MARKER = ".sslcourse-site"  # marks a folder this script made (and may delete)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LINK = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"#?]*)(?P<rest>[#?][^"]*)?"')
NAV_CSS = ("<style>.sslcourse-nav{display:flex;justify-content:space-between;gap:1em;max-width:1100px;"
           "margin:1em auto;padding:.5em 1em;border:1px solid #ddd;border-radius:6px;font:14px sans-serif}"
           ".sslcourse-nav a{text-decoration:none}</style>")


def site_pages(root):
    """The pages in reading order: ``[(source, page), ...]``, paths relative to ``root``.

    The README first, then each lesson followed by its exercises, then the documents (docs/ and
    benchmarks/).
    """
    lessons = sorted(p.relative_to(root).as_posix() for p in (root / "notebooks").glob("*.ipynb"))
    exercises = sorted(p.relative_to(root).as_posix() for p in (root / "exercises").glob("*.ipynb"))
    order = ["README.md"]
    for lesson in lessons:
        number = posixpath.basename(lesson)[:2]
        order += [lesson] + [e for e in exercises if posixpath.basename(e)[:2] == number and e not in order]
    order += [e for e in exercises if e not in order]
    for folder in ("docs", "benchmarks"):
        order += sorted(p.relative_to(root).as_posix() for p in (root / folder).glob("*.md"))
    return [(source, page_name(source)) for source in order]


def page_name(source):
    """Where a source file's page goes: ``README.md`` -> ``index.html``, ``x.ipynb`` -> ``x.html``."""
    if source == "README.md":
        return "index.html"
    return posixpath.splitext(source)[0] + ".html"


def title_of(nb, source):
    """The first heading of the notebook (``# 01 · The idea``), or the file name."""
    for cell in nb.cells:
        match = re.search(r"^#\s+(.+)$", cell.source, re.M) if cell.cell_type == "markdown" else None
        if match:
            return match[1].strip()
    return posixpath.basename(source)


def load(root, source):
    """The source as a notebook: a notebook as stored, a markdown file as one markdown cell."""
    if source.endswith(".ipynb"):
        nb = copy.deepcopy(nbformat.read(root / source, as_version=4))
        for cell in nb.cells:  # a widget without its state draws nothing: show its text summary
            for output in cell.get("outputs", []):
                if WIDGET_VIEW in output.get("data", {}) and "text/plain" in output["data"]:
                    del output["data"][WIDGET_VIEW]
        nb.metadata.pop("widgets", None)
        return nb
    text = (root / source).read_text(encoding="utf-8")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def add_contents(nb, pages, titles):
    """Append a list of every page (with its title) to the landing page."""
    items = "\n".join(f"- [{titles[s]}]({s})" for s, _ in pages if s != "README.md")
    nb.cells.append(nbformat.v4.new_markdown_cell("## Every page of this site\n\n" + items))
    return nb


def rewrite_links(body, source, root, out, pages):
    """Point links at pages; copy other repository files that are linked to."""
    page_of = dict(pages)
    here = posixpath.dirname(source)

    def fix(match):
        url = match["url"]
        if not url or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/", url):
            return match[0]  # an anchor, an absolute path, or another site
        target = posixpath.normpath(posixpath.join(here, _unquote(url)))
        if target.startswith("solutions/"):  # the site never shows solutions: link the exercises
            target = "exercises/" + posixpath.basename(target)
        if target in page_of:
            url = posixpath.relpath(page_of[target], posixpath.dirname(page_of[source]))
        elif not target.startswith("..") and (root / target).is_file():
            (out / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / target, out / target)
        return f'{match["attr"]}="{url}{match["rest"] or ""}"'
    return LINK.sub(fix, body)


def _unquote(url):
    return urllib.parse.unquote(html.unescape(url))


def nav_bar(index, pages, titles):
    """HTML of the previous / course map / next links of page ``index``."""
    here = posixpath.dirname(pages[index][1])

    def link(i, arrow_left):
        if not 0 <= i < len(pages):
            return "<span></span>"
        href = posixpath.relpath(pages[i][1], here)
        text = f"&larr; {html.escape(titles[i])}" if arrow_left else f"{html.escape(titles[i])} &rarr;"
        return f'<a href="{href}">{text}</a>'
    home = posixpath.relpath("index.html", here)
    return (f'<nav class="sslcourse-nav">{link(index - 1, True)}'
            f'<a href="{home}">Course map</a>{link(index + 1, False)}</nav>')


def add_nav(body, nav):
    """Put the navigation bar at the top and bottom of the page's main content."""
    body = body.replace("</head>", NAV_CSS + "</head>", 1)
    if "<main>" in body:
        return body.replace("<main>", "<main>" + nav, 1).replace("</main>", nav + "</main>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m[1] + nav, body, count=1)
    return body.replace("</body>", nav + "</body>", 1)


def prepare(out):
    """Empty ``out`` if this script made it; refuse to write into another non-empty folder."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and was not made by build_site.py: choose another --out.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by tools/build_site.py; deleted and rebuilt by it\n")


def build(root=ROOT, out=None, *, verbose=False):
    """Build the site of the course in ``root`` into ``out``; return the pages written.

    Parameters
    ----------
    root : Path
        The repository (README.md, notebooks/, exercises/, docs/).
    out : Path, optional
        The site's folder; default ``root / "build" / "site"``.

    Returns
    -------
    list of Path
        The HTML pages, in reading order (``index.html`` first).
    """
    root = Path(root).resolve()
    out = Path(out) if out is not None else root / "build" / "site"
    prepare(out)
    pages = site_pages(root)
    notebooks = {source: load(root, source) for source, _ in pages}
    titles = {s: "Course map" if s == "README.md" else title_of(nb, s) for s, nb in notebooks.items()}
    add_contents(notebooks["README.md"], pages, titles)
    exporter = HTMLExporter(template_name="lab")
    written = []
    for i, (source, page) in enumerate(pages):
        body, _ = exporter.from_notebook_node(notebooks[source], resources={"metadata": {"name": titles[source]}})
        body = add_nav(rewrite_links(body, source, root, out, pages), nav_bar(i, pages, [titles[s] for s, _ in pages]))
        (out / page).parent.mkdir(parents=True, exist_ok=True)
        (out / page).write_text(body, encoding="utf-8")
        written.append(out / page)
        if verbose:
            print(f"{source} -> {page}", flush=True)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site", help="the site's folder")
    args = parser.parse_args(argv)
    written = build(ROOT, args.out, verbose=True)
    print(f"[OK] {len(written)} pages: open {written[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
