"""Settings of the test suite: VoxSeg's own settings, run as a test deployment.

Set before the settings are read (pytest-django loads this module; worker
processes started by tests inherit DJANGO_SETTINGS_MODULE and the
environment): keys may be generated under var/keys, HTTPS is not enforced
(the test client and live server speak plain HTTP), and differential-privacy
releases accept a seed so that tests can check reproducibility, and runs
fit fewer candidate partitions.

Under pytest-xdist (`make test-unit` runs two test processes) each process
gets its own var folder, file cache and broker folder, so that two test
databases never share a cache entry keyed by a run id, and is pinned to one
core, so that two processes' model and UMAP threads do not fight over both.
"""

import os

os.environ.setdefault("VOXSEG_TESTING", "1")
os.environ.setdefault("VOXSEG_DP_ALLOW_SEEDS", "1")
# Runs fit one UMAP seed and one resample unless a test sets more: the tests of segment
# recovery and stability set their own; the rest test what a run does with its result.
os.environ.setdefault("VOXSEG_WARM_UP_WORKERS", "0")
os.environ.setdefault("VOXSEG_RUN_DEFAULTS", "seed_candidates=1,stability_resamples=1")


def _own_folders_per_test_process(worker: str) -> None:
    """Give pytest-xdist process `worker` (gw0, gw1, ...) its own folders and one core."""
    from pathlib import Path

    base = Path(os.environ.get("VOXSEG_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    os.environ["VOXSEG_VAR_DIR"] = str(base / "xdist" / worker)
    for name in ("VOXSEG_DATA_DIR", "CELERY_BROKER_DIR"):
        if os.environ.get(name):
            os.environ[name] = f"{os.environ[name].rstrip('/')}-{worker}"
    cache = os.environ.get("CACHE_URL", "")
    if cache.startswith("filecache://"):
        os.environ["CACHE_URL"] = f"{cache.rstrip('/')}-{worker}"
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[name] = "1"
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cores) > 1:
        os.sched_setaffinity(0, {cores[int(worker.removeprefix("gw") or 0) % len(cores)]})


_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and os.environ.get("VOXSEG_TEST_PROCESS") != _WORKER:  # not again in its subprocesses
    _own_folders_per_test_process(_WORKER)
    os.environ["VOXSEG_TEST_PROCESS"] = _WORKER

from segapp.settings import *  # noqa: E402, F403
