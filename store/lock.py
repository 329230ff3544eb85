"""The data dir's writer lock: one ingest at a time, readers never wait.

Two ingests that overlap would each rebuild the library from the snapshot they started with, and the later
commit would drop what the earlier one added. So every ingest (the CLI's, the app's re-ingest) holds an
exclusive flock(2) on `<data_dir>/ingest.lock` from before it reads the library until it ends. The kernel
releases a flock when its process dies, kill -9 included, so a lock is never stale; the pid written into
the file only names the holder in the waiting message. Searches, `ask` and `mark` never take it: SQLite's
WAL lets them read the last committed library (and `mark` write its own table) meanwhile.

fcntl rather than the filelock package: the holder's pid lives in the lock file itself, whose contents
filelock 4 reserves for its own markers.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from studygraph.errors import IngestBusy

LOCK_NAME = "ingest.lock"
POLL_SECONDS = 0.2


@contextmanager
def writer_lock(data_dir: Path, timeout: float, on_wait: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold the data dir's writer lock inside the block. Held by another process: call `on_wait(its pid)`
    once and retry until `timeout` seconds have passed (0: not at all), then raise IngestBusy."""
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, timeout, on_wait)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            os.ftruncate(fd, 0)  # a finished ingest names nobody
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, timeout: float, on_wait: Callable[[int | None], None] | None) -> None:
    deadline = time.monotonic() + max(0.0, timeout)
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pid = _pid_in(fd)
        if time.monotonic() >= deadline:
            named = f" (pid {pid})" if pid else ""
            waited = f" after waiting {timeout:g} s" if timeout > 0 else ""
            raise IngestBusy(
                f"another ingest is running{named}{waited}: run it again once that one has finished "
                "(the `ingest_lock_timeout` setting says how long to wait)"
            )
        if not told and on_wait is not None:
            on_wait(pid)
            told = True
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def _pid_in(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", errors="replace").strip()
    return int(text) if text.isdigit() else None
