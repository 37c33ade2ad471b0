"""A small demo dataset imported through the import service, for run tests."""

from __future__ import annotations

import pytest

from nlp.datasets import generate_demo_dataset, write_demo_dataset
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job


def import_demo(folder, *, n_customers: int, seed: int = 7) -> dict:
    """Write and import the demo files; return their paths."""
    paths = write_demo_dataset(generate_demo_dataset(n_customers=n_customers, seed=seed), folder)
    for file_type in ("customers", "documents", "events"):
        job = create_import_job(
            file_type=file_type,
            original_filename=paths[file_type].name,
            options=ImportOptions(),
            source="test",
            path=paths[file_type],
        )
        assert run_import_job(job.pk).status == "succeeded"
    return paths


@pytest.fixture
def small_demo(db, tmp_path):
    return import_demo(tmp_path, n_customers=250)
