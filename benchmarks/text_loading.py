"""Time and peak memory of ``sc.data.load_text`` on a big book, written on the fly.

    python benchmarks/text_loading.py            # a 100 MB book -> prints one line
    python benchmarks/text_loading.py --mb 200

The book is the toy language's sentences with accented, Greek and Cyrillic words mixed in, so the
Unicode path is the one timed. Each size runs in a fresh process (peak memory is per process).
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["café", "naïve", "λόγος", "книга", "élève", "straße"]
MEASURE = """
import json, resource, sys, time
import sslcourse as sc
start = time.perf_counter()
corpus = sc.data.load_text(sys.argv[1], progress=False)
seconds = time.perf_counter() - start
scale = 1 if sys.platform == "darwin" else 1024
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20,
                  "corpus": repr(corpus)}))
"""


def write_book(path, megabytes):
    import numpy as np

    import sslcourse as sc

    rng = np.random.default_rng(0)
    sentences = sc.data.ToyLanguage().sample(20_000, rng=rng)
    lines = [" ".join(s + [WORDS[n % len(WORDS)]]).capitalize() + "." for n, s in enumerate(sentences)]
    block = "\n".join(lines).encode("utf-8") + b"\n"
    with open(path, "wb") as f:
        for _ in range(int(megabytes * 1e6 // len(block)) + 1):
            f.write(block)
    return path.stat().st_size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, nargs="+", default=[100.0])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for mb in args.mb:
            path = Path(folder) / f"book_{mb:g}mb.txt"
            size = write_book(path, mb)
            done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, check=True)
            result = json.loads(done.stdout)
            print(f"{size / 1e6:.0f} MB book: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB; {result['corpus']}")
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
