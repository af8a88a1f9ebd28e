"""Thread pinning, in one place: numpy's BLAS and torch's CPU ops on ``n`` threads inside a block.

The course's models are so small that threads cost more than they give (on a busy 2-core
machine, several times more), and one thread makes the numbers the same bit for bit whatever the
machine's thread count. Loading this module loads no torch: torch's setting is changed only
when torch is already loaded (the numpy lessons never load it).
"""
from __future__ import annotations

import contextlib
import sys

from ._validation import check_int

__all__ = ["blas_threads", "cpu_threads"]


def blas_threads(n, name="n"):
    """A context manager running numpy's BLAS on ``n`` threads (a no-op without threadpoolctl)."""
    n = check_int(n, name, minimum=1, fix=f"Pass {name}=1 (the fastest for the course's small models).")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # numpy's BLAS keeps its threads
        return contextlib.nullcontext()
    return threadpool_limits(limits=n, user_api="blas")


@contextlib.contextmanager
def cpu_threads(n, name="n"):
    """Run torch's CPU ops, and numpy's BLAS, on ``n`` threads inside the block (None: leave them).

    ``name`` is the argument's name in an error message (``threads`` where a helper passes it on).
    """
    if n is None:
        yield
        return
    blas = blas_threads(n, name)
    torch = sys.modules.get("torch")
    before = None if torch is None else torch.get_num_threads()
    if torch is not None:
        torch.set_num_threads(n)
    try:
        with blas:
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)
