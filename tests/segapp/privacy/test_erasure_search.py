"""Erasure leaves nothing behind: a search of the whole database and artifact store.

A real run (the real model) on demo customers, its persona pages, customer
pages and map rendered, its members exported and the chat asked for quotes;
then customers whose words are persona quotes and topic representative
documents, and who are representative customers, are erased with
`dsar erase`. Every table and every file under VOXSEG_DATA_DIR (and a file
cache) is then searched for their texts and pseudonyms. Runs on SQLite here
and on PostgreSQL in the integration pass.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from segapp.models import Customer, Document, Segment, SegmentationRun, Topic
from segapp.services.privacy.erasure import MODEL_REMOVED_NOTE as erasure_note
from segapp.services.pseudonyms import pseudonymise


def _victims(run: SegmentationRun) -> list[Customer]:
    """Customers quoted in a persona, giving a topic's example, and representative."""
    quoted = [q for s in Segment.objects.filter(run=run) for q in s.profile.get("quotes", [])]
    examples = [d for t in Topic.objects.filter(run=run) for d in t.representative_documents]
    representative = [
        p
        for s in Segment.objects.filter(run=run)
        for p in s.profile.get("representative_customers", [])
    ]
    chosen: list[Customer] = []
    for document_ids in (quoted, examples):
        for document in Document.objects.filter(pk__in=document_ids).select_related("customer"):
            if document.customer not in chosen:
                chosen.append(document.customer)
                break
    for pseudonym in representative:
        customer = Customer.objects.get(pseudonym=pseudonym)
        if customer not in chosen:
            chosen.append(customer)
            break
    assert len(chosen) == 3, "the run should quote, exemplify and name at least one customer each"
    return chosen


def _needles(customers: list[Customer]) -> list[str]:
    """Pseudonyms and every distinctive text of these customers, in stored spellings."""
    needles = [c.pseudonym for c in customers]
    for customer in customers:
        for text in customer.documents.values_list("text", flat=True):
            shared = Document.objects.filter(text=text).exclude(customer=customer).exists()
            if len(text) >= 20 and not shared:
                needles += [
                    text,
                    json.dumps(text)[1:-1],
                    json.dumps(text, ensure_ascii=False)[1:-1],
                ]
    return sorted(set(needles))


def _database_rows():
    """(table, text of one row) for every row of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                yield (
                    table,
                    " ".join(
                        bytes(v).decode("utf-8", "replace")
                        if isinstance(v, bytes | memoryview)
                        else str(v)
                        for v in row
                    ),
                )


def _artifact_files():
    roots = [Path(settings.VOXSEG_DATA_DIR)]
    cache = settings.CACHES["default"]
    if "FileBasedCache" in cache["BACKEND"]:
        roots.append(Path(cache["LOCATION"]))
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def _render_and_export(run: SegmentationRun, analyst, victims, tmp_path: Path) -> None:
    """Everything a user would have made of the run before the erasure request."""
    from rest_framework.authtoken.models import Token

    from segapp.services.chat import engine

    web = Client()
    web.force_login(analyst)
    assert web.get(f"/runs/{run.pk}/map/").status_code == 200
    segments = [s for s in Segment.objects.filter(run=run) if not s.profile.get("small")]
    for segment in segments:
        assert web.get(f"/runs/{run.pk}/segments/{segment.number}/").status_code == 200
    for customer in victims:
        assert web.get(f"/customers/{customer.pseudonym}/").status_code == 200
    token, _ = Token.objects.get_or_create(user=analyst)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    exported = api.get(f"/api/v1/runs/{run.pk}/segments/{segments[0].number}/members/?format=csv")
    assert exported.status_code == 200
    call_command("export_segments", "--run", str(run.pk), "-o", str(tmp_path / "seg.csv"))
    call_command("export_documents", "--run", str(run.pk), "-o", str(tmp_path / "docs.csv"))
    answer = engine.ask(f"show me quotes from {segments[0].name}", user=analyst, channel="web")
    assert answer["quotes"], answer["answer"]
    engine.ask(f"why is customer {victims[0].pseudonym} in their segment", user=analyst)


def _erase_everywhere(run: SegmentationRun, analyst, tmp_path: Path, demo_paths: dict) -> None:
    victims = _victims(run)
    _render_and_export(run, analyst, victims, tmp_path)
    assert run.artifact_dir and Path(run.artifact_dir).is_dir()  # the saved model holds them
    before = sum(1 for _ in _artifact_files())
    needles = _needles(victims)
    with open(demo_paths["customers"], encoding="utf-8") as customers:
        external = {
            pseudonymise(r["customer_id"]): r["customer_id"] for r in csv.DictReader(customers)
        }
    texts = sum(1 for n in needles if len(n) > 64)
    print(
        f"\nerasing {len(victims)} customers; searching for {len(needles)} strings ({texts} texts)"
    )
    for customer in victims:
        out = io.StringIO()
        call_command("dsar", "erase", external[customer.pseudonym], stdout=out)
        line = out.getvalue().strip().splitlines()[-1]
        print(line)
        assert line.startswith("erased documents=") and " artifacts=" in line
        assert int(line.split("documents=")[1].split()[0]) >= 1

    rows = 0
    for table, text in _database_rows():
        rows += 1
        found = [n[:40] for n in needles if n in text]
        assert not found, f"{table} still holds {found}"
    files = 0
    for path in _artifact_files():
        files += 1
        data = path.read_bytes()
        found = [n[:40] for n in needles if n.encode() in data]
        assert not found, f"{path} still holds {found}"
    print(f"searched {rows} database rows and {files} files ({before} before): nothing left")
    run.refresh_from_db()
    assert run.artifact_dir == "" and erasure_note in run.notes

    again = io.StringIO()
    call_command("dsar", "erase", external[victims[0].pseudonym], stdout=again)
    assert again.getvalue().strip().endswith("erased documents=0 artifacts=0")
    web = Client()
    web.force_login(analyst)
    for segment in Segment.objects.filter(run=run):
        if not segment.profile.get("small"):
            page = web.get(f"/runs/{run.pk}/segments/{segment.number}/")
            assert page.status_code == 200
    run.refresh_from_db()
    assert run.customers_withdrawn == len(victims)


@pytest.fixture
def demo_run(db, tmp_path):
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    paths = import_demo(tmp_path / "demo", n_customers=240)
    run = run_in_foreground(create_run(parameters={}, source="test").pk)
    assert run.status == "succeeded", run.error_message
    return run, paths


@pytest.mark.slow
def test_erasure_leaves_nothing_in_sqlite_or_files(demo_run, bob, tmp_path):
    assert connection.vendor == "sqlite"
    run, paths = demo_run
    _erase_everywhere(run, bob, tmp_path, paths)


@pytest.mark.integration
def test_erasure_leaves_nothing_in_postgresql_or_files(demo_run, bob, tmp_path):
    assert connection.vendor == "postgresql"
    run, paths = demo_run
    _erase_everywhere(run, bob, tmp_path, paths)
