"""A second process for a run's work on the other core: the letters' text read while the exports load, a share of
the checks, the exceptions workbook written while the rest of the results and the report are.

A small run is mostly Python holding the GIL, so a thread gains it nothing; another process runs on
the other core. Tasks are module-level functions of picklable arguments, run one after another in the
order given, with no side effect but a file written whole (atomic_write), which done twice is as done
once. An object many tasks take (a run's records) is shared: sent once, then by reference. A warm-up
(an import a later task needs) runs whenever no task waits.

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
import functools
import gc
import importlib
import io
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class HelperDied(Exception):
    """The helper process ended, or could not be started, before it gave the task's result."""


class Pending(Generic[T]):
    """A task's result, to come: from the helper, else worked out here when first asked for, and kept (a run asks for
    its results' files twice: where no helper could be started, they were written twice)."""

    def __init__(self, task: Callable[..., T], args: tuple, future: Future | None):
        self._task, self._args, self._future = task, args, future
        self._worked_out: tuple[T] | None = None

    def result(self) -> T:
        """The task's result; concurrent.futures.CancelledError once `withdraw` has succeeded."""
        if self._future is not None:
            try:
                return self._future.result()
            except HelperDied:  # the task is pure: worked out here instead
                self._future = None
        if self._worked_out is None:
            self._worked_out = (self._task(*self._args),)
        return self._worked_out[0]

    @property
    def given_to_helper(self) -> bool:
        """Whether the helper was given the task (else it is worked out here when its result is first asked for)."""
        return self._future is not None

    def withdraw(self) -> bool:
        """Keep the task from the helper if it has not been sent yet: True when the caller is to work it out itself."""
        return self._future is None or self._future.cancel()

    def soonest(self) -> T:
        """The task's result as soon as it can be had: worked out here if the helper has not begun it (it is busy with
        the tasks before it), else the helper's."""
        if self.withdraw():
            self._future = None  # withdrawn: worked out here, once
        return self.result()


class HelperProcess:
    """One process beside this one, started on the first task, object shared or warm-up, ended with the `with` block.

    A block left by an exception ends the helper at once, whatever it was doing: a run that failed
    does not wait for work it no longer needs, such as 5,000 letters still being read.
    """

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._exchanging: threading.Thread | None = None
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._warm_ups: list[Callable[[], object]] = []
        self._shared: dict[int, object] = {}  # the objects shared and not forgotten, by id: sent by reference
        self._unavailable = getattr(sys, "frozen", False)  # a bundled app has no Python to run a module with

    def submit(self, task: Callable[..., T], *args: Any) -> Pending[T]:
        """TASK(*ARGS) run in the helper after the tasks submitted before it; one whose arguments cannot be pickled is
        worked out here when its result is asked for.

        Pickled here, before the caller goes on, as `share` pickles: in the exchange's thread, pickling took its turn
        for the GIL behind the caller's work (the report's context 7 ms, the results' files 23-48 ms)."""
        if self._unavailable:
            return Pending(task, args, None)
        try:
            message = self._pickled((_RUN, task, args))
        except Exception:
            return Pending(task, args, None)
        future: Future = Future()
        self._outbox.put((future, _RUN, message))  # before the helper starts, so it is sent before any warm-up
        return Pending(task, args, future if self._started() else None)

    def _pickled(self, message: object) -> bytes:
        """MESSAGE pickled, each object shared (and not forgotten) by its key."""
        written = io.BytesIO()
        pickler = pickle.Pickler(written, pickle.HIGHEST_PROTOCOL)
        if self._shared:
            pickler.persistent_id = lambda value: id(value) if self._shared.get(id(value), _KEEP) is value else None
        pickler.dump(message)
        return written.getvalue()

    def share(self, *objects: object) -> None:
        """OBJECTS sent to the helper once, however many later tasks take them (a run's records, which its checks
        share); both processes hold them until `forget`."""
        if self._started():
            for shared in {id(value): value for value in objects}.values():
                # Pickled here, before the caller goes on: in the exchange's thread it waited its turn for the GIL
                # behind the caller's own work (a run's commit and its share of the checks), 0.03 s for the sample's.
                try:
                    pickled = pickle.dumps((_KEEP, id(shared), shared), pickle.HIGHEST_PROTOCOL)
                except Exception:  # not shared: each task taking it fails to be pickled, and is worked out here
                    continue
                self._shared[id(shared)] = shared
                self._outbox.put((None, _KEEP, (shared, pickled)))

    def forget(self, *objects: object) -> None:
        """OBJECTS shared no more, once the tasks submitted before are sent: a run of many organisations shares each
        one's records in turn, and would otherwise hold them all twice."""
        if self._started():
            for shared in objects:
                if self._shared.get(id(shared), _KEEP) is shared:
                    del self._shared[id(shared)]
                self._outbox.put((None, _FORGET, shared))

    def warm_up(self, task: Callable[[], object]) -> None:
        """TASK run in the helper once no task waits to be sent, its result unused: imports ahead of the tasks that need
        them (the checks, while the exports load). A task submitted meanwhile waits for it to end."""
        self._warm_ups.append(task)
        if self._started():
            self._outbox.put((None, None, None))  # wakes an idle exchange, after any task already waiting

    def import_ahead(self, *modules: str) -> None:
        """MODULES imported in the helper as warm-ups, the helper started now if it was not: a caller about to import
        modules of its own starts the helper first, and the two processes import at once (the command line's run)."""
        for name in modules:
            self.warm_up(functools.partial(_imported, name))

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
            for pipe in (self._process.stdin, self._process.stdout):
                _widen(pipe)
            self._exchanging = threading.Thread(target=self._exchange, name="helper process", daemon=True)
            self._exchanging.start()
        return self._process is not None

    def _exchange(self) -> None:
        """Send each task in turn (one withdrawn meanwhile is skipped) and set its future from the reply, until told to
        stop (None); the warm-ups whenever no task waits.

        A task is sent once the one before it has ended, and before that one's reply is unpickled: a family of checks'
        outcomes took this thread 5-10 ms to unpickle, the GIL shared with this process's own checks, and the helper
        waited for its next task meanwhile."""
        process, kept, sent, answered = self._process, {}, None, None  # answered: (future, reply) not yet unpickled
        try:
            while (message := self._next_message(wait=answered is None)) is not None:
                if message is _NOTHING_WAITING:  # nothing to send before the reply is unpickled
                    self._answer(*answered)
                    answered = None
                    continue
                future, task, args = message
                if future is None:  # an object to keep (sent whole once, then by reference) or to forget; or a wake-up
                    if task is _KEEP and id(args[0]) not in kept:
                        shared, pickled = args
                        process.stdin.write(pickled)
                        process.stdin.flush()
                        kept[id(shared)] = shared
                    elif task is _FORGET and kept.get(id(args), _KEEP) is args:
                        self._send((_FORGET, id(args)), {})
                        del kept[id(args)]
                elif future.set_running_or_notify_cancel():
                    sent = future
                    if task is _RUN:  # pickled by `submit`
                        process.stdin.write(args)
                        process.stdin.flush()
                    else:  # a warm-up
                        self._send((_RUN, task, args), kept)
                    if answered is not None:  # while the helper runs this one
                        self._answer(*answered)
                    answered = (future, self._reply())
            if answered is not None:
                self._answer(*answered)
        except Exception:  # the helper ended (killed, out of memory, never started) or the exchange broke
            for future in (sent, answered and answered[0]):
                if future is not None and not future.done():
                    future.set_exception(HelperDied())
            for future, _, _ in iter(self._outbox.get, None):  # every task left is worked out by the caller
                if future is not None and future.set_running_or_notify_cancel():
                    future.set_exception(HelperDied())
        with contextlib.suppress(OSError):
            process.stdin.close()  # the helper's sign to exit

    def _reply(self) -> bytes:
        """The next reply, as its pickle: its length first (_serve)."""
        head = self._process.stdout.read(_LENGTH)
        reply = self._process.stdout.read(int.from_bytes(head, "little")) if len(head) == _LENGTH else b""
        if len(head) < _LENGTH or len(reply) < int.from_bytes(head, "little"):
            raise EOFError("the helper ended before its reply")
        return reply

    @staticmethod
    def _answer(future: Future, reply: bytes) -> None:
        succeeded, value = pickle.loads(reply)
        future.set_result(value) if succeeded else future.set_exception(value)

    def _next_message(self, wait: bool = True) -> tuple | object | None:
        """The next task or object to send, else a warm-up (its result unused: a task that needs what it failed to do
        fails on its own), else whatever comes next; without WAIT, _NOTHING_WAITING where nothing does."""
        try:
            return self._outbox.get_nowait()
        except queue.Empty:
            if self._warm_ups:
                return Future(), self._warm_ups.pop(0), ()
            return self._outbox.get() if wait else _NOTHING_WAITING

    def _send(self, message: object, kept: dict[int, object]) -> None:
        """MESSAGE pickled to the helper, with each object in KEPT (sent before) as its key."""
        pickler = pickle.Pickler(self._process.stdin, pickle.HIGHEST_PROTOCOL)
        if kept:
            pickler.persistent_id = lambda value: id(value) if kept.get(id(value), _KEEP) is value else None
        pickler.dump(message)
        self._process.stdin.flush()

    def __enter__(self) -> HelperProcess:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self._process is None:
            return
        if kind is not None:
            self._process.kill()
        self._outbox.put(None)
        self._exchanging.join()
        self._process.wait()


def _widen(pipe) -> None:
    """PIPE holds up to _PIPE_BYTES where the system lets it (Linux): a task's reply or arguments (a family of checks'
    outcomes, 0.1-0.5 MB on the sample) are then written whole at once. Through the usual 64 KB, the writer waited
    for the reader at each 64 KB, and the reader, a thread of this process, for the GIL each time: the helper stood
    still for 2-9 ms a family, and this process sent the report's context in 7 ms, its results in 23 ms."""
    with contextlib.suppress(ImportError, AttributeError, OSError):  # no fcntl (Windows), no F_SETPIPE_SZ (macOS), a smaller cap
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


# How much a pipe to the helper holds: Linux lets a process without privileges ask for up to 1 MB.
_PIPE_BYTES = 1 << 20


@dataclass(frozen=True)
class Named:
    """A module's function by its name, called with a task's arguments: a task from a module this process has not
    imported, nor needs yet (a run's report templates, compiled by the helper while the exports load), is sent without
    importing it here first; the helper imports it to run it, and so does this process if the helper is gone."""

    module: str
    function: str

    def __call__(self, *args: Any) -> Any:
        return getattr(importlib.import_module(self.module), self.function)(*args)


def _imported(name: str) -> None:
    """Module NAME imported in the helper, and what the helper holds so far left out of its garbage collection, as the
    command line leaves this process's (cli._imports_frozen): a full collection walking the modules a run imports took
    0.04 s of the helper's share of the sample's run. The helper lives for one command: nothing is unfrozen."""
    importlib.import_module(name)
    gc.freeze()


# The bytes of a reply's length, written before it.
_LENGTH = 8
# What the exchange finds when it asks, without waiting, for a message and none waits.
_NOTHING_WAITING = object()
# The kinds of message: an object to keep, one to forget, and a task to run and answer.
_KEEP, _FORGET, _RUN = "keep", "forget", "run"


def _serve() -> None:
    """The helper's side: keep each object shared, run each task sent and send back its result or its error."""
    inbox, outbox = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a task's print() goes to stderr, not into the exchange
    kept: dict[int, object] = {}
    while True:
        unpickler = pickle.Unpickler(inbox)  # one a message: each is pickled afresh, with its own memo
        unpickler.persistent_load = kept.__getitem__
        try:
            kind, *message = unpickler.load()
        except Exception:  # the caller's end closed, or a task's module does not import here: the caller works it out
            return
        if kind == _KEEP:
            key, value = message
            kept[key] = value
            continue
        if kind == _FORGET:
            del kept[message[0]]
            continue
        task, args = message
        try:
            reply = (True, task(*args))
        except Exception as error:
            reply = (False, error)
        try:
            data = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an error, or a result, that cannot be pickled: said in words
            shown = error if reply[0] else reply[1]
            data = pickle.dumps((False, RuntimeError(f"{type(shown).__name__}: {shown}")))
        outbox.write(len(data).to_bytes(_LENGTH, "little"))
        outbox.write(data)
        outbox.flush()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):  # Ctrl-C reaches the caller too, which says so
        _serve()
    sys.stderr.flush()
    os._exit(0)  # without the interpreter's tear-down of pandas and pyarrow, which the caller would wait for
