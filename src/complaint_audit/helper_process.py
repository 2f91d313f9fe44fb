"""A second process for the work of a run that needs none of its records: the letters' text read while the
exports load, the charts drawn while the rest of the report is written.

A small run is mostly Python holding the GIL, so a thread gains it nothing; another process runs on
the other core. Tasks are module-level functions of picklable arguments, without side effects, run
one after another in the order given.

The helper is this module run as a script (`python -m complaint_audit.helper_process`), speaking
pickle over its standard input and output, not a multiprocessing pool: a pool's spawned or
forkserver processes import the caller's main script again, and a user's script without an
`if __name__ == "__main__"` guard would then run its audit twice. Nor does it need the shared
memory a pool's locks do, which a locked-down machine may not give.

A helper changes when a run's work is done, never what it produces: where no process can be
started, or the helper dies, a task is run here when its result is asked for. A task's own error
(a UserError over a bad letters index) reaches the caller as it would have here.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class HelperDied(Exception):
    """The helper process ended, or could not be started, before it gave the task's result."""


class Pending(Generic[T]):
    """A task's result, to come: from the helper, else worked out here when asked for."""

    def __init__(self, task: Callable[..., T], args: tuple, future: Future | None):
        self._task, self._args, self._future = task, args, future

    def result(self) -> T:
        if self._future is not None:
            try:
                return self._future.result()
            except HelperDied:  # the task is pure: worked out here instead
                self._future = None
        return self._task(*self._args)


class HelperProcess:
    """One process beside this one, started on the first task, ended with the `with` block.

    PRELOAD names the modules its tasks need, imported as it starts, while this process works on.
    A block left by an exception ends the helper at once, whatever it was doing: a run that failed
    does not wait for work it no longer needs, such as 5,000 letters still being read.
    """

    def __init__(self, preload: Sequence[str]):
        self._preload = list(preload)
        self._process: subprocess.Popen | None = None
        self._exchanging: threading.Thread | None = None
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._unavailable = getattr(sys, "frozen", False)  # a bundled app has no Python to run a module with

    def submit(self, task: Callable[..., T], *args: Any) -> Pending[T]:
        if not self._started():
            return Pending(task, args, None)
        future: Future = Future()
        self._tasks.put((future, task, args))
        return Pending(task, args, future)

    def _started(self) -> bool:
        if self._process is None and not self._unavailable:
            # The helper imports what this process would: the same path, whatever put it there.
            environment = {**os.environ, "PYTHONPATH": os.pathsep.join(folder for folder in sys.path if folder)}
            try:
                self._process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                                 stdout=subprocess.PIPE, env=environment)
            except OSError:  # no Python to start, or no process left to start it in
                self._unavailable = True
                return False
            self._exchanging = threading.Thread(target=self._exchange, name="helper process", daemon=True)
            self._exchanging.start()
        return self._process is not None

    def _exchange(self) -> None:
        """Send each task in turn and set its future from the reply, until told to stop (None)."""
        process, item = self._process, None
        try:
            self._send(self._preload)
            for item in iter(self._tasks.get, None):
                future, task, args = item
                self._send((task, args))
                succeeded, value = pickle.load(process.stdout)
                future.set_result(value) if succeeded else future.set_exception(value)
        except Exception:  # the helper ended (killed, out of memory, never started) or the exchange broke
            if item is not None and not item[0].done():
                item[0].set_exception(HelperDied())
            for item in iter(self._tasks.get, None):  # so every task left is worked out by the caller (Pending.result)
                item[0].set_exception(HelperDied())
        with contextlib.suppress(OSError):
            process.stdin.close()  # the helper's sign to exit

    def _send(self, message: object) -> None:
        pickle.dump(message, self._process.stdin)
        self._process.stdin.flush()

    def __enter__(self) -> HelperProcess:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self._process is None:
            return
        if kind is not None:
            self._process.kill()
        self._tasks.put(None)
        self._exchanging.join()
        self._process.wait()


def _serve() -> None:
    """The helper's side: import the preload, then run each task sent and send back its result or its error."""
    inbox, outbox = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a task's print() goes to stderr, not into the exchange
    try:
        for name in pickle.load(inbox):
            importlib.import_module(name)
    except (ImportError, EOFError):  # the caller works the tasks out itself (HelperDied)
        return
    while True:
        try:
            task, args = pickle.load(inbox)
        except EOFError:
            return
        try:
            reply = (True, task(*args))
        except Exception as error:
            reply = (False, error)
        try:
            data = pickle.dumps(reply)
        except Exception as error:  # an error, or a result, that cannot be pickled: said in words
            shown = error if reply[0] else reply[1]
            data = pickle.dumps((False, RuntimeError(f"{type(shown).__name__}: {shown}")))
        outbox.write(data)
        outbox.flush()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):  # Ctrl-C reaches the caller too, which says so
        _serve()
