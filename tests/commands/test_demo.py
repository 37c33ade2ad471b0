"""`make demo`'s command: data written, a real worker on the filesystem transport imports it."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

EMBEDDED_ONLY = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "VOXSEG_DATA_DIR")


@pytest.mark.slow
def test_demo_imports_the_demo_data_through_a_real_worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ONLY}
    env.update(VOXSEG_VAR_DIR=str(tmp_path), CELERY_BROKER_DIR=str(tmp_path / "broker"))
    result = subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve", "--customers", "300"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    with (tmp_path / "demo" / "documents.csv").open() as fh:
        documents_in_file = sum(1 for _ in csv.DictReader(fh))
    with (tmp_path / "demo" / "truth.csv").open() as fh:
        truth = list(csv.DictReader(fh))
    assert len(truth) == 300 and len({row["persona"] for row in truth}) >= 6
    db = sqlite3.connect(tmp_path / "voxseg.sqlite3")
    customers, docs, events = (
        db.execute(f"select count(*) from segapp_{table}").fetchone()[0]
        for table in ("customer", "document", "event")
    )
    statuses = db.execute("select status, source from segapp_importjob").fetchall()
    assert statuses == [("succeeded", "demo")] * 3
    assert customers == 300 and events > 1000
    assert docs == documents_in_file  # nothing lost, nothing doubled
    redacted = db.execute("select count(*) from segapp_document where text like '%[EMAIL]%'")
    assert redacted.fetchone()[0] > 0
    assert db.execute("select count(*) from auth_user where username='demo'").fetchone()[0] == 1
    runs = db.execute("select status, n_segments, n_customers from segapp_segmentationrun")
    [(status, n_segments, n_customers)] = runs.fetchall()
    segments = db.execute("select count(*) from segapp_segment").fetchone()[0]
    assert (status, n_customers) == ("succeeded", 300)
    assert n_segments == segments >= 2
