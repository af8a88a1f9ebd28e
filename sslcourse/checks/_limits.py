"""A time limit on one call of a learner's function.

In the main thread of a Unix process (a Jupyter kernel runs cells there) an interval timer
interrupts the call, so a loop that never ends is stopped and nothing keeps running. Elsewhere
(Windows, or a checker called from another thread) the call runs in a daemon thread that is
abandoned when the time is up.
"""
from __future__ import annotations

import signal
import threading


class TimeLimit(BaseException):
    """The call ran past its limit. A BaseException, so a learner's ``except Exception`` inside a
    loop does not swallow it."""


def call_with_time_limit(fn, args, kwargs, seconds):
    """``fn(*args, **kwargs)``, or ``TimeLimit`` after ``seconds``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _with_alarm(fn, args, kwargs, seconds)
    return _with_thread(fn, args, kwargs, seconds)


def _with_alarm(fn, args, kwargs, seconds):
    def stop(signum, frame):
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_thread(fn, args, kwargs, seconds):
    result = {}

    def target():
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as err:  # handed to the caller below
            result["error"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimeLimit
    if "error" in result:
        raise result["error"]
    return result["value"]
