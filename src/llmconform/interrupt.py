"""Ctrl-C and SIGTERM: the run stops at once and says so.

While `handled()` is active, SIGINT and SIGTERM set `STOP` (the client sends nothing more once it is
set), shut down the sockets of the requests in flight (each client registers how, with `on_stop`),
and raise KeyboardInterrupt in the main thread, where the run winds down: the reports it writes say
`"interrupted": true`, a recording is saved as partial, and the exit status is 130.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import weakref
from collections.abc import Callable, Iterator
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a job stopped with Ctrl-C
STOP = threading.Event()
# Weak: a client that is gone needs no cutting, and the list does not keep it alive.
_CANCELS: list[weakref.WeakMethod[Callable[[], None]]] = []
_LOCK = threading.RLock()  # re-entrant: the handler may run in the main thread while it holds the lock


def on_stop(cancel: Callable[[], None]) -> None:
    """Call the bound method `cancel` (quick) when the run is interrupted: it cuts requests in flight."""
    with _LOCK:
        _CANCELS[:] = [ref for ref in _CANCELS if ref() is not None]
        _CANCELS.append(weakref.WeakMethod(cancel))  # type: ignore[arg-type]
    if STOP.is_set():
        cancel()


def stop() -> None:
    """Send nothing more, and cut what is in flight."""
    STOP.set()
    with _LOCK:
        cancels = [ref() for ref in _CANCELS]
    for cancel in cancels:
        if cancel is not None:
            with contextlib.suppress(Exception):
                cancel()


def _handler(signum: int, frame: FrameType | None) -> None:
    stop()
    raise KeyboardInterrupt(signal.Signals(signum).name)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM stop the run (see the module); the previous handlers come back after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: a run started elsewhere keeps Python's defaults
        return
    STOP.clear()
    with _LOCK:
        _CANCELS.clear()
    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        with _LOCK:
            _CANCELS.clear()
        STOP.clear()
