"""One index run at a time, and the points where a test may kill it.

`index_lock` holds an exclusive lock on index/index.lock (filelock, over fcntl, so the kernel
releases it when the holder dies, even by SIGKILL) for the whole of `askcases index`, the web
library's changes included. A second run waits for it, saying once which process holds it
(index/index.pid), and gives up with IndexBusyError after `wait_s`. In server mode the lock
covers the processes that share this index directory only.

`fault_point(name)` kills this process with SIGKILL when `fault` names that point: the crash
tests set ASKCASES_FAULT_POINT so that an index run stops exactly after each of its phases.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from askcases.errors import IndexBusyError

LOCK_FILE = "index.lock"
HOLDER_FILE = "index.pid"
FAULT_ENV = "ASKCASES_FAULT_POINT"
_POLL_S = 0.2


def fault_point(name: str, fault: str | None) -> None:
    if fault == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _holder(index_dir: Path) -> str:
    try:
        return (index_dir / HOLDER_FILE).read_text(encoding="ascii").strip() or "unknown"
    except OSError:
        return "unknown"


@contextmanager
def index_lock(
    index_dir: Path, wait_s: float = 600.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the index directory's lock; wait up to `wait_s` seconds for another holder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(index_dir / LOCK_FILE, thread_local=False)
    deadline = time.monotonic() + wait_s
    told = False
    while True:
        try:
            lock.acquire(timeout=0)
            break
        except Timeout:
            pid = _holder(index_dir)
            if time.monotonic() >= deadline:
                raise IndexBusyError(
                    f"another askcases index (pid {pid}) is still changing {index_dir} "
                    f"after {wait_s:.0f} s; wait for it to finish, or stop it and run "
                    "`askcases index` again"
                ) from None
            if not told and on_wait is not None:
                on_wait(f"waiting for another askcases index (pid {pid}) to finish ...")
                told = True
            time.sleep(_POLL_S)
    try:
        (index_dir / HOLDER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        yield
    finally:
        lock.release()
