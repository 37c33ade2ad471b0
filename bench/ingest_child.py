"""One ingestion measurement in a fresh process (run by bench_ingest.py)."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "segapp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from segapp.models import Customer, Document  # noqa: E402
from segapp.services.ingest.service import shared_redactor  # noqa: E402


def voxseg(path: Path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--type", "documents", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


def baseline(path: Path) -> str:
    """What a bare script does: read the CSV, create customers and documents in bulk."""
    ids: dict[str, int] = {}
    batch: list[Document] = []
    with path.open(newline="") as fh, transaction.atomic():
        for number, row in enumerate(csv.DictReader(fh)):
            key = row["customer_id"]
            if key not in ids:
                ids[key] = Customer.objects.create(pseudonym=f"{len(ids):064x}").pk
            batch.append(
                Document(
                    customer_id=ids[key],
                    kind=row["kind"],
                    channel=row["channel"],
                    text=row["text"],
                    text_hash="",
                    content_hash=f"{number:064x}",
                    original_length=len(row["text"]),
                )
            )
            if len(batch) == 2000:
                Document.objects.bulk_create(batch)
                batch = []
        Document.objects.bulk_create(batch)
    return f"imported={Document.objects.count()}"


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    if mode == "voxseg":
        shared_redactor().redact("warm up the engines: jane@example.com")
    started = time.perf_counter()
    summary = voxseg(path) if mode == "voxseg" else baseline(path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "summary": summary}))


if __name__ == "__main__":
    main()
