"""Work done in a forked child process, its answer sent back through a pipe.

Used where a second process pays: hashing a large instance while this one validates it
(:mod:`matchengine.solver`, without orjson), and solving the whole SAT formula under a
deadline that the solver itself would overrun (:mod:`matchengine.exact`).  The child sees
this process's memory as it was at the fork (copy-on-write), runs one function, writes the
bytes it returns and leaves with ``os._exit`` (none of this process's cleanup runs twice).
Forking is refused unless this process has a single thread (POSIX only), and always when
the environment sets ``MATCHENGINE_FORK=0``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import threading
import time
from collections.abc import Callable

__all__ = ["Child", "may_fork", "start"]


def may_fork() -> bool:
    """Whether this process may fork: POSIX, no thread but this one, ``MATCHENGINE_FORK``
    not set to ``0``."""
    return (
        hasattr(os, "fork")
        and threading.active_count() == 1
        and os.environ.get("MATCHENGINE_FORK", "1") != "0"
    )


class Child:
    """A forked child working on one function; :meth:`answer` reaps it."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid = pid
        self.read_end = read_end

    def answer(self, deadline: float | None = None) -> bytes | None:
        """The child's bytes, or ``None`` if it failed or ``deadline`` (``time.monotonic``)
        passed first (the child is then killed)."""
        chunks: list[bytes] = []
        finished = False
        try:
            while True:
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    ready, _, _ = select.select([self.read_end], [], [], left)
                    if not ready:
                        continue
                chunk = os.read(self.read_end, 1 << 20)
                if not chunk:
                    finished = True
                    break
                chunks.append(chunk)
        finally:
            os.close(self.read_end)
            if not finished:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
        if not finished or status != 0 or not chunks:
            return None
        return b"".join(chunks)


def start(work: Callable[[], bytes]) -> Child | None:
    """Fork a child that runs ``work`` and sends back its bytes; ``None`` if it cannot
    (check :func:`may_fork` first).  A child whose ``work`` raises exits non-zero."""
    try:
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: work, report, leave
        code = 1
        try:
            os.close(read_end)
            gc.disable()
            view = memoryview(work())
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Child(pid, read_end)
