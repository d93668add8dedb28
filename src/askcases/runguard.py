"""One index run at a time, and the points where a test may kill it.

`index_lock` holds an exclusive lock on index/index.lock (fcntl, so the kernel releases it when
the holder dies, even by SIGKILL) for the whole of `askcases index`, the web library's changes
included. A second run waits for it, saying so once, and gives up with IndexBusyError after
`wait_s`. In server mode the lock covers the processes that share this index directory only.

`fault_point(name)` kills this process with SIGKILL when ASKCASES_FAULT_POINT names that point:
the crash tests use it to stop an index run exactly after each of its phases.
"""

from __future__ import annotations

import fcntl
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from askcases.errors import IndexBusyError

LOCK_FILE = "index.lock"
FAULT_ENV = "ASKCASES_FAULT_POINT"


def fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _holder(handle: int) -> str:
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        return os.read(handle, 32).decode("ascii", "replace").strip() or "unknown"
    except OSError:
        return "unknown"


@contextmanager
def index_lock(
    index_dir: Path, wait_s: float = 600.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the index directory's lock; wait up to `wait_s` seconds for another holder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                pid = _holder(handle)
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"another askcases index (pid {pid}) is still changing {index_dir} "
                        f"after {wait_s:.0f} s; wait for it to finish, or stop it and run "
                        "`askcases index` again"
                    ) from None
                if not told and on_wait is not None:
                    on_wait(f"waiting for another askcases index (pid {pid}) to finish ...")
                    told = True
                time.sleep(0.2)
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        os.close(handle)  # releases the lock
