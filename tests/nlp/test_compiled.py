"""Compiled UMAP/HDBSCAN code kept on disk, so a fresh process does not compile it again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_process_finds_umap_compiled_in_the_cache_folder(tmp_path):
    script = textwrap.dedent(
        """
        import time
        import numpy as np
        from nlp.compiled import keep_compiled_code
        enabled = keep_compiled_code()
        import umap.layouts
        from numba.core.registry import CPUDispatcher
        from umap import UMAP
        X = np.random.default_rng(0).normal(size=(200, 8)).astype(np.float32)
        UMAP(n_components=2, n_epochs=5, random_state=0, n_jobs=1).fit_transform(X)
        compiled = [f for f in vars(umap.layouts).values() if isinstance(f, CPUDispatcher)]
        print(enabled, sum(len(f.stats.cache_hits) for f in compiled))
        """
    )
    env = {**os.environ, "VOXSEG_COMPILED_CACHE": str(tmp_path / "numba")}

    def run() -> list[int]:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        return [int(x) for x in done.stdout.split()]

    first_enabled, first_hits = run()
    assert first_enabled > 50  # UMAP's own functions, not only those declared cache=True
    assert any((tmp_path / "numba").rglob("*.nbi"))
    _, second_hits = run()
    assert second_hits > first_hits  # loaded from disk, not compiled again


def test_a_worker_that_warmed_up_before_forking_runs_umap_in_its_pool_processes():
    # Celery's prefork pool forks after worker_init ran warm_up. numba's OpenMP layer,
    # once used by the parent, aborts a forked child that runs a parallel loop.
    script = textwrap.dedent(
        """
        import multiprocessing
        import numpy as np
        from nlp.compiled import warm_up
        warm_up()

        def pool_process():
            from umap import UMAP
            X = np.random.default_rng(0).normal(size=(300, 8))
            UMAP(n_components=2, n_epochs=20, random_state=1).fit(X)

        child = multiprocessing.get_context("fork").Process(target=pool_process)
        child.start()
        child.join()
        print(child.exitcode)
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_THREADING_LAYER"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "0", done.stderr[-2000:]
