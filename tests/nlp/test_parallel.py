"""Side-by-side work in forked processes: same results as in one process, in order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nlp.parallel import (
    PROCESSES_VARIABLE,
    available_cores,
    map_beside,
    start_beside,
    usable_processes,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_cores():
    """This process may use every core of the machine while the test runs.

    Unit-test workers are pinned to one core each (`tests/settings.py`), where
    runs stay in one process; these tests are about the other case.
    """
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        pytest.skip("side-by-side work needs a machine with two cores")
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, range(os.cpu_count() or 1))
    assert available_cores() >= 2
    yield
    os.sched_setaffinity(0, before)


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fail(message: str) -> None:
    raise ValueError(message)


@pytest.mark.usefixtures("two_cores")
def test_map_beside_keeps_order_and_uses_another_process():
    results = map_beside(_pid_and_square, list(range(7)))
    assert [square for _, square in results] == [x * x for x in range(7)]
    pids = {pid for pid, _ in results}
    assert os.getpid() in pids and len(pids) == 2


def test_one_process_when_capped(monkeypatch):
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    assert usable_processes() == 1
    results = map_beside(_pid_and_square, [1, 2, 3])
    assert results == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9)]
    handle = start_beside(_pid_and_square, 5)
    assert not handle.forked
    assert handle.result() == (os.getpid(), 25)


def test_a_bad_cap_is_refused(monkeypatch):
    monkeypatch.setenv(PROCESSES_VARIABLE, "many")
    with pytest.raises(ValueError, match=PROCESSES_VARIABLE):
        usable_processes()


@pytest.mark.usefixtures("two_cores")
def test_start_beside_returns_the_result_and_raises_the_error():
    handle = start_beside(_pid_and_square, 6)
    assert handle.forked
    pid, square = handle.result()
    assert square == 36 and pid != os.getpid()
    with pytest.raises(ValueError, match="broken"):
        start_beside(_fail, "broken").result()


def _run_python(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, **env},
    )  # fmt: skip
    return done.stdout.strip()


_PARALLEL_LOOP = (
    "import numba\n"
    "@numba.njit(parallel=True)\n"
    "def total(n):\n"
    "    s = 0.0\n"
    "    for i in numba.prange(n):\n"
    "        s += i\n"
    "    return s\n"
    "total(100)\n"
)


@pytest.mark.usefixtures("two_cores")
def test_no_fork_after_openmp_loops_ran():
    # GNU OpenMP aborts a forked child that uses it after its parent did.
    out = _run_python(
        _PARALLEL_LOOP + "import numba; from nlp.parallel import usable_processes\n"
        "print(numba.threading_layer(), usable_processes())\n",
        NUMBA_THREADING_LAYER="omp",
    )
    assert out == "omp 1"


@pytest.mark.usefixtures("two_cores")
def test_runs_use_a_threading_layer_that_survives_fork():
    out = _run_python(
        "from nlp.compiled import keep_compiled_code\nkeep_compiled_code()\n" + _PARALLEL_LOOP
        + "from nlp.parallel import map_beside\n"
        "print(numba.threading_layer(), map_beside(total, [10, 20, 30]))\n",
        NUMBA_THREADING_LAYER="",
    )  # fmt: skip
    assert out == "workqueue [45.0, 190.0, 435.0]"


@pytest.mark.usefixtures("two_cores")
def test_sentiment_scored_beside_equals_sentiment_scored_here(monkeypatch):
    from nlp.sentiment_step import BESIDE_FROM, score_sentiment, start_sentiment
    from nlp.text_cache import MemoryTextCache

    rng = np.random.default_rng(3)
    n = BESIDE_FROM
    words = ["great", "awful", "slow", "lovely", "broken", "fine", "delivery", "fabric"]
    texts = [" ".join(rng.choice(words, 6)) + f" order {i}" for i in range(n)]
    embeddings = rng.normal(size=(n, 16)).astype(np.float32)
    ratings = pd.Series(rng.integers(1, 6, n).astype(float))
    pending = start_sentiment(texts, embeddings, ratings, seed=0, cache=MemoryTextCache())
    beside = pending.result()
    assert pending.seconds_beside > 0  # it ran in another process
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    here = score_sentiment(texts, embeddings, ratings, seed=0, cache=MemoryTextCache())
    np.testing.assert_array_equal(beside.compound, here.compound)
    assert beside.choice == here.choice and beside.sentences == here.sentences


@pytest.mark.usefixtures("two_cores")
def test_segmenter_seeds_beside_equal_seeds_fitted_here(monkeypatch):
    from nlp.segment import SEEDS_BESIDE_FROM, CustomerSegmenter

    rng = np.random.default_rng(5)
    per = SEEDS_BESIDE_FROM // 4
    X = np.vstack([rng.normal(centre, 1.0, (per, 12)) for centre in (0, 4, 8, 12)])
    beside = CustomerSegmenter(candidates=2, segment_map=False).fit(X)
    monkeypatch.setenv(PROCESSES_VARIABLE, "1")
    here = CustomerSegmenter(candidates=2, segment_map=False).fit(X)
    np.testing.assert_array_equal(beside.labels_, here.labels_)
    assert beside.candidates_ == here.candidates_


@pytest.mark.usefixtures("two_cores")
def test_closing_stops_a_call_still_running_and_gives_the_threads_back():
    import time

    from threadpoolctl import threadpool_info

    threads = [pool["num_threads"] for pool in threadpool_info()]
    handle = start_beside(time.sleep, 120)
    assert handle.forked
    started = time.monotonic()
    handle.close()  # what a failed or cancelled run does before asking for the result
    assert time.monotonic() - started < 30
    assert [pool["num_threads"] for pool in threadpool_info()] == threads
