"""Compiled numerical code kept on disk, so a fresh process does not compile it again.

UMAP, NN-descent and HDBSCAN are written with numba, which compiles each
function on its first call. Most of UMAP's functions are not declared with
``cache=True``, so every new process (a ``segment`` command, a Celery worker)
paid 30-40 s of compilation per run on two cores. :func:`keep_compiled_code`
turns numba's own on-disk cache on for those functions (numba's
``Dispatcher.enable_caching``, what ``cache=True`` does at decoration time) and
points it at a folder of ours; :func:`warm_up` compiles everything a run uses
once, on tiny data, so the first real run finds it compiled. ``make install``
and each Celery worker at start call :func:`warm_up`.

numba keys each cached function by its source file and signature: a new
release of UMAP or numba compiles again, once.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

# Libraries whose numba functions a run calls.
_COMPILED_PACKAGES = ("umap", "pynndescent", "hdbscan")

_LOCK = threading.Lock()
_ENABLED: set[int] = set()


def compiled_cache_dir() -> Path:
    """``$VOXSEG_COMPILED_CACHE``, else ``~/.cache/voxseg/numba`` (or under ``$XDG_CACHE_HOME``)."""
    from nlp.cache_dirs import machine_cache_dir

    return machine_cache_dir("numba", "VOXSEG_COMPILED_CACHE")


def keep_compiled_code() -> int:
    """Turn on numba's disk cache for UMAP, NN-descent and HDBSCAN; the number of functions.

    Imports the libraries. Safe to call often and from several threads: a
    function already cached is left alone. Returns 0 where the cache folder
    cannot be written (the code then compiles in memory, as before).
    """
    import numba
    from numba.core.registry import CPUDispatcher

    folder = compiled_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        logger.warning("compiled code not kept: %s is not writable (%s)", folder, error)
        return 0
    prefer_fork_safe_threads()
    _import_compiled_packages()
    # NN-descent takes its distance as a global: numba says once per process it cannot
    # cache that one function, which then compiles in memory as before.
    warnings.filterwarnings("ignore", message="Cannot cache compiled function")
    with _LOCK:
        # Read by numba's cache locator when a function's cache is created.
        numba.config.CACHE_DIR = str(folder)
        enabled = 0
        for name in list(sys.modules):
            if name.split(".", 1)[0] not in _COMPILED_PACKAGES:
                continue
            for value in list(vars(sys.modules[name]).values()):
                if not isinstance(value, CPUDispatcher) or id(value) in _ENABLED:
                    continue
                if type(value._cache).__name__ == "NullCache":
                    value.enable_caching()
                    enabled += 1
                _ENABLED.add(id(value))
    return enabled


def prefer_fork_safe_threads() -> str | None:
    """Make numba's parallel loops run on its own work queue, which survives a fork.

    numba picks OpenMP where it is installed, and GNU OpenMP aborts a forked
    process that uses it after its parent did ("fork() called from a process
    already using GNU OpenMP"): the run's side-by-side work (:mod:`nlp.parallel`)
    forks after the topic model ran UMAP. numba's work queue has no such limit.
    It only takes effect before the first parallel loop runs, and is left alone
    where ``NUMBA_THREADING_LAYER`` chooses a layer. Returns the layer launched
    so far, or ``None``.
    """
    import os

    import numba

    try:
        return numba.threading_layer()
    except ValueError:  # no parallel loop ran yet in this process
        if not os.environ.get("NUMBA_THREADING_LAYER"):
            numba.config.THREADING_LAYER = "workqueue"
        return None


def warm_up() -> float:
    """Compile what a run uses (UMAP, NN-descent, HDBSCAN) on tiny data; seconds taken.

    About 12 s in a fresh process once the disk cache holds the code (NN-descent
    takes its distance function as a global, which numba cannot cache, so that
    one compiles in every process), 30-40 s on a machine that never ran it.
    Runs use the Euclidean metric only (on unit rows it ranks as cosine does).
    """
    started = time.perf_counter()
    keep_compiled_code()
    from hdbscan import HDBSCAN
    from umap import UMAP

    rows = np.random.default_rng(0).normal(size=(300, 16))
    for data in (rows.astype(np.float32), rows):  # embeddings are float32, features float64
        reduced = UMAP(
            n_components=2,
            metric="euclidean",
            n_epochs=5,
            init="pca",
            random_state=0,
            n_jobs=1,
            force_approximation_algorithm=True,
        ).fit_transform(data)
        HDBSCAN(min_cluster_size=10, prediction_data=True, gen_min_span_tree=True).fit(reduced)
    seconds = time.perf_counter() - started
    logger.info("compiled code warmed up in %.1f s", seconds)
    return seconds


def _import_compiled_packages() -> None:
    import hdbscan  # noqa: F401
    import pynndescent  # noqa: F401
    import umap  # noqa: F401
