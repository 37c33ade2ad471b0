"""Settings of the test suite: VoxSeg's own settings, run as a test deployment.

Set before the settings are read (pytest-django loads this module; worker
processes started by tests inherit DJANGO_SETTINGS_MODULE and the
environment): keys may be generated under var/keys, HTTPS is not enforced
(the test client and live server speak plain HTTP), and differential-privacy
releases accept a seed so that tests can check reproducibility, and runs
fit fewer candidate partitions.
"""

import os

os.environ.setdefault("VOXSEG_TESTING", "1")
os.environ.setdefault("VOXSEG_DP_ALLOW_SEEDS", "1")
# Runs fit one UMAP seed and one resample unless a test sets more: the tests of segment
# recovery and stability set their own; the rest test what a run does with its result.
os.environ.setdefault("VOXSEG_RUN_DEFAULTS", "seed_candidates=1,stability_resamples=1")

from segapp.settings import *  # noqa: E402, F403
