"""Independent single-threaded work of a run, on the machine's other cores.

Most of a run after embedding is single-threaded Python, numba or Cython:
VADER and the rating head, the topic model, each UMAP seed of the segmenter.
On a 2-core machine one core sat idle through all of it. Two helpers put
independent pieces side by side in forked processes:

- :func:`start_beside` starts one call in a forked process and returns a
  handle whose ``result()`` waits for it (sentiment is scored while the topic
  model is fitted);
- :func:`map_beside` maps a function over items, this process taking every
  k-th item and forked processes the others (the segmenter's UMAP seeds).

A forked process starts with the parent's memory (nothing is re-imported or
reloaded); arguments and results travel pickled. Work goes side by side only
where it can help and is safe: with at least two usable cores
(:func:`available_cores`, which respects CPU affinity, so a worker pinned to
one core stays sequential), on a platform with ``fork``, outside daemonic
processes (which may not have children), not after numba ran parallel loops
on GNU OpenMP (a forked child using them aborts; runs use numba's work queue,
see :func:`nlp.compiled.prefer_fork_safe_threads`), and unless
``VOXSEG_PROCESSES=1``.
Otherwise everything runs in this process, in the same order. The functions
given must be pure (no database, no progress reports), so where they run
changes nothing but the time, and the last bits of sums that multi-threaded
BLAS splits by its thread count (see below).

While work runs side by side, every process holds its native thread pools
(BLAS through threadpoolctl, numba's parallel loops) to one thread
(:func:`one_thread_each`): two processes each starting two spinning BLAS
threads on two cores ran slower together than one after the other.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PROCESSES_VARIABLE = "VOXSEG_PROCESSES"
"""Caps the processes a run uses side by side; ``1`` keeps everything in one process."""


def available_cores() -> int:
    """CPU cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def usable_processes() -> int:
    """How many processes may work side by side here: 1 where forking cannot help or is unsafe."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if multiprocessing.current_process().daemon:
        return 1
    if not _threads_survive_fork():
        return 1
    cores = available_cores()
    cap = os.environ.get(PROCESSES_VARIABLE, "").strip()
    if cap:
        try:
            cores = min(cores, max(1, int(cap)))
        except ValueError:
            raise ValueError(f"{PROCESSES_VARIABLE} must be a whole number, not {cap!r}") from None
    return max(1, cores)


def _threads_survive_fork() -> bool:
    """False once numba ran parallel loops on GNU OpenMP here: a forked child using it aborts.

    :func:`nlp.compiled.prefer_fork_safe_threads` makes runs use numba's work
    queue instead; this guards processes where something ran OpenMP loops first.
    """
    numba = sys.modules.get("numba")
    if numba is None:
        return True
    try:
        return numba.threading_layer() != "omp"
    except ValueError:  # no parallel loop ran yet
        return True


@contextlib.contextmanager
def one_thread_each() -> Iterator[None]:
    """Hold BLAS and OpenMP pools (threadpoolctl) and numba's loops to one thread here."""
    from threadpoolctl import threadpool_limits

    numba = sys.modules.get("numba")
    before = None
    if numba is not None:
        try:
            numba.threading_layer()  # raises until a parallel loop ran: nothing to hold then
            before = numba.get_num_threads()
            numba.set_num_threads(1)
        except ValueError:
            before = None
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if before is not None:
            numba.set_num_threads(before)


def _one_thread_call(function: Callable[..., R], args: tuple, kwargs: dict) -> R:
    """Run in a forked process: the call, with one thread per native pool."""
    with one_thread_each():
        return function(*args, **kwargs)


class Beside(Generic[R]):
    """A call running in a forked process, or waiting to run here when ``result()`` asks."""

    def __init__(self, future: Future | None, call: Callable[[], R] | None) -> None:
        self._future, self._call = future, call
        self._pool: ProcessPoolExecutor | None = None
        self._held: contextlib.ExitStack | None = None  # this process's one-thread limits

    @property
    def forked(self) -> bool:
        """Whether the call runs in another process."""
        return self._future is not None

    def result(self) -> R:
        """The call's return value (its exception is raised here)."""
        if self._future is None:
            assert self._call is not None
            call, self._call = self._call, None
            return call()
        try:
            return self._future.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the call if it still runs (the caller failed or was cancelled meanwhile)
        and give this process its threads back; nothing to do after ``result()``."""
        if self._pool is not None:
            if self._future is not None and not self._future.done():
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._held is not None:
            self._held.close()
            self._held = None


def start_beside(function: Callable[..., R], *args: Any, **kwargs: Any) -> Beside[R]:
    """Start ``function(*args, **kwargs)`` in a forked process when that can help.

    Where it cannot (see the module), the call is deferred and runs in this
    process when ``result()`` is first asked for.
    """
    if usable_processes() < 2:
        return Beside(None, lambda: function(*args, **kwargs))
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    handle: Beside[R] = Beside(pool.submit(_one_thread_call, function, args, kwargs), None)
    handle._pool = pool
    handle._held = contextlib.ExitStack()
    handle._held.enter_context(one_thread_each())  # until result(): the child has the other core
    return handle


def map_beside(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[function(item) for item in items]``, spread over this process and forked ones.

    With ``k`` usable processes this process computes items 0, k, 2k, … while
    ``k - 1`` forked processes compute the others; results come back in order.
    """
    processes = min(usable_processes(), len(items))
    if processes < 2:
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes - 1, mp_context=context) as pool:
        futures = {
            i: pool.submit(_one_thread_call, function, (item,), {})
            for i, item in enumerate(items)
            if i % processes
        }
        with one_thread_each():
            here = {i: function(item) for i, item in enumerate(items) if not i % processes}
        return [here[i] if i in here else futures[i].result() for i in range(len(items))]
