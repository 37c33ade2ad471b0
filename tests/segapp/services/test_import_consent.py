"""Per-row consent columns on import, and refusing re-imports of erased customers."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command

from segapp.models import (
    ConsentEvent,
    Customer,
    Document,
    DocumentResult,
    Event,
    ImportRowIssue,
    Membership,
    SegmentationRun,
)
from segapp.services import transactions
from segapp.services.ingest import service, writers
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.privacy import suppression
from segapp.services.privacy.erasure import erase_customer
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db

SUPPRESSED = "customer was erased; re-import is suppressed"


def run(path, file_type="customers", *, user=None, **options):
    job = create_import_job(
        file_type=file_type,
        original_filename=path.name,
        options=ImportOptions(**options),
        source="test",
        path=path,
        user=user,
    )
    return run_import_job(job.pk)


def consent_of(*external_ids: str) -> list[bool]:
    by_pseudonym = dict(Customer.objects.values_list("pseudonym", "segmentation_consent"))
    return [by_pseudonym[pseudonymise(x)] for x in external_ids]


def events_of(external_id: str) -> list[tuple[bool, str, str]]:
    return list(
        ConsentEvent.objects.filter(customer__pseudonym=pseudonymise(external_id)).values_list(
            "consented", "source", "actor"
        )
    )


def issues(job) -> dict[int, str]:
    return dict(ImportRowIssue.objects.filter(job=job).values_list("row_number", "reason"))


def test_customer_file_consent_column_sets_consent_per_row(write_file, bob):
    Customer.objects.create(pseudonym=pseudonymise("OLD-YES"), segmentation_consent=True)
    Customer.objects.create(pseudonym=pseudonymise("OLD-NO"), segmentation_consent=False)
    path = write_file(
        "customers.csv",
        "customer_id,orders,consent\n"
        "NEW-YES,3,Yes\nNEW-NO,4,no\nNEW-BLANK,5,\nOLD-YES,6,FALSE\nOLD-NO,7,granted\n",
    )
    job = run(path, user=bob, consent=False)
    assert job.status == "succeeded"
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (5, 5, 0)
    # blank keeps the file default (here: no consent) for the new customer
    assert consent_of("NEW-YES", "NEW-NO", "NEW-BLANK", "OLD-YES", "OLD-NO") == [
        True, False, False, False, True,
    ]  # fmt: skip
    # every change is history, written by the importing user
    assert events_of("NEW-YES") == [(True, "import", "bob")]
    assert events_of("OLD-YES") == [(False, "import", "bob")]
    assert events_of("OLD-NO") == [(True, "import", "bob")]
    assert events_of("NEW-NO") == events_of("NEW-BLANK") == []  # created as the default: no change
    reason = ConsentEvent.objects.first().reason
    assert reason == f"consent column of import #{job.pk}"


def test_consent_column_is_never_a_feature_or_attribute(write_file):
    path = write_file("customers.csv", "customer_id,orders,segmentation_consent\nA,3,1\nB,4,0\n")
    job = run(path)
    assert job.column_mapping["consent"] == "segmentation_consent"
    assert {"column": "segmentation_consent", "role": "consent"} in job.column_roles
    for customer in Customer.objects.all():
        assert set(customer.behaviour) == {"orders"}
        assert customer.attributes == {} and customer.sensitive == {}
    assert consent_of("A", "B") == [True, False]


def test_inverted_opt_out_alias_reads_true_as_not_consenting(write_file):
    path = write_file(
        "customers.csv",
        "customer_id,tier,Opted Out\nA,gold,true\nB,gold,false\nC,gold,opted in\nD,gold,Y\n",
    )
    job = run(path)
    assert job.column_mapping["consent"] == "Opted Out"
    assert {"column": "Opted Out", "role": "opt_out"} in job.column_roles
    # yes/true in an opt-out column mean "opted out"; "opted in" means what it says
    assert consent_of("A", "B", "C", "D") == [False, True, True, False]
    assert all("Opted Out" not in c.attributes for c in Customer.objects.all())


def test_explicit_mappings_of_consent_and_opt_out_columns(write_file):
    path = write_file("c.csv", "customer_id,agreed_to_analysis\nA,no\nB,yes\n")
    job = run(path, mapping={"consent": "agreed_to_analysis"})
    assert job.column_mapping["consent"] == "agreed_to_analysis"
    assert consent_of("A", "B") == [False, True]
    path = write_file("c2.csv", "customer_id,do_not_segment\nA,no\nB,yes\n")
    job = run(path, mapping={"opt_out": "do_not_segment"})
    assert {"column": "do_not_segment", "role": "opt_out"} in job.column_roles
    assert consent_of("A", "B") == [True, False]


def test_two_consent_columns_must_be_named(write_file):
    path = write_file("c.csv", "customer_id,consent,opt_out\nA,yes,yes\n")
    job = run(path)
    assert job.status == "failed"
    assert "more than one consent column" in job.error_message
    job = run(path, mapping={"consent": "consent"})
    assert job.status == "succeeded"
    assert {"column": "opt_out", "role": "ignored"} in job.column_roles
    assert consent_of("A") == [True]
    assert Customer.objects.get().attributes == {}


def test_unreadable_consent_value_rejects_only_that_row(write_file):
    path = write_file("customers.csv", "customer_id,orders,consent\nA,3,yes\nB,4,maybe\nC,5,no\n")
    job = run(path)
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (3, 2, 1)
    reason = issues(job)[2]
    assert reason.startswith("consent 'maybe' is not a consent value")
    assert "yes/no" in reason
    assert not Customer.objects.filter(pseudonym=pseudonymise("B")).exists()
    assert consent_of("A", "C") == [True, False]


def test_a_consent_only_change_is_an_update_not_a_duplicate(write_file):
    run(write_file("c.csv", "customer_id,orders,consent\nA,3,yes\n"))
    again = run(write_file("c2.csv", "customer_id,orders,consent\nA,3,no\n"))
    assert (again.rows_imported, again.rows_updated, again.rows_duplicate) == (1, 1, 0)
    same = run(write_file("c3.csv", "customer_id,orders,consent\nA,3,no\n"))
    assert (same.rows_imported, same.rows_duplicate) == (0, 1)
    assert consent_of("A") == [False]
    assert [e[0] for e in events_of("A")] == [False]


def test_documents_and_events_files_carry_consent_too(write_file):
    docs = write_file(
        "docs.csv",
        "customer_id,text,consent\nA,Great refills,yes\nB,Slow delivery,no\nC,Fine,\n",
    )
    job = run(docs, "documents")
    assert (job.rows_imported, job.rows_rejected) == (3, 0)
    assert consent_of("A", "B", "C") == [True, False, True]
    assert all("consent" not in d.metadata for d in Document.objects.all())
    events = write_file(
        "events.csv",
        "customer_id,created_at,amount,opted_out\nA,2025-01-02,10,yes\nB,2025-01-03,5,no\n",
    )
    job = run(events, "events")
    assert job.rows_imported == 2
    assert consent_of("A", "B") == [False, True]
    assert all("opted_out" not in e.metadata for e in Event.objects.all())


def test_an_existing_customer_opting_out_by_import_leaves_existing_runs(write_file):
    built = build_persona_run()
    leaving = built.members[0][0]
    run_before = Membership.objects.filter(run=built.run).count()
    assert Membership.objects.filter(customer=leaving).exists()
    assert DocumentResult.objects.filter(document__customer=leaving).exists()
    # persona_data names its customers p-1, p-2 …; the first member of segment 0 is p-1
    assert leaving.pseudonym == pseudonymise("p-1")
    job = run(write_file("c.csv", "customer_id,consent\np-1,no\np-2,yes\n"))
    assert (job.rows_imported, job.rows_duplicate, job.rows_rejected) == (1, 1, 0)  # p-2 consents
    assert not Membership.objects.filter(customer=leaving).exists()
    assert not DocumentResult.objects.filter(document__customer=leaving).exists()
    assert Membership.objects.filter(run=built.run).count() == run_before - 1
    run_after = SegmentationRun.objects.get(pk=built.run.pk)
    assert run_after.customers_withdrawn == 1 and run_after.privacy_changed_at is not None
    profile = built.segments[0].__class__.objects.get(pk=built.segments[0].pk).profile
    assert leaving.pseudonym not in profile.get("representative_customers", [])
    assert events_of("p-1") == [(False, "import", "system")]
    print(f"\nmemberships before/after: {run_before}/{run_before - 1}")


def test_consent_is_set_in_batches_per_chunk_not_per_row(write_file, monkeypatch):
    calls = []
    real = writers.set_consent

    def counting(ids, consented, **kwargs):
        calls.append(len(list(ids)))
        return real(ids, consented, **kwargs)

    monkeypatch.setattr(writers, "set_consent", counting)
    lines = [f"C{i},{i % 7},{'yes' if i % 3 else 'no'}" for i in range(1500)]
    path = write_file("c.csv", "customer_id,orders,consent\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    job = run(path)
    elapsed = time.perf_counter() - started
    assert job.rows_imported == 1500
    chunks = -(-1500 // transactions.chunk_rows(service.CHUNK_ROWS))
    assert len(calls) == 2 * chunks  # per chunk: one call for yes, one for no
    assert Customer.objects.filter(segmentation_consent=False).count() == 500
    assert ConsentEvent.objects.count() == 500
    print(f"\n1,500 customer rows with a consent column: {elapsed:.2f}s, set_consent calls={calls}")


def _erase(external_id: str) -> None:
    Customer.objects.get_or_create(pseudonym=pseudonymise(external_id))
    erase_customer(pseudonymise(external_id))


@pytest.mark.parametrize(
    ("file_type", "content"),
    [
        ("customers", "customer_id,orders\nGONE,3\nSTAYS,4\n"),
        ("documents", "customer_id,text\nGONE,I am back\nSTAYS,Hello\n"),
        ("events", "customer_id,created_at,amount\nGONE,2025-01-01,3\nSTAYS,2025-01-01,4\n"),
    ],
)
def test_rows_of_erased_customers_are_refused(write_file, file_type, content):
    _erase("GONE")
    job = run(write_file("f.csv", content), file_type)
    assert (job.rows_read, job.rows_imported, job.rows_rejected) == (2, 1, 1)
    assert issues(job) == {1: SUPPRESSED}
    assert not Customer.objects.filter(pseudonym=pseudonymise("GONE")).exists()
    assert Customer.objects.filter(pseudonym=pseudonymise("STAYS")).exists()


def test_suppression_switched_off_lets_erased_customers_back(write_file, settings):
    _erase("GONE")
    assert suppression.suppressed([pseudonymise("GONE")]) == {pseudonymise("GONE")}
    settings.VOXSEG_REIMPORT_SUPPRESSION = False
    job = run(write_file("c.csv", "customer_id,orders\nGONE,3\n"))
    assert (job.rows_imported, job.rows_rejected) == (1, 0)


def test_suppressed_rows_stored_issues_name_no_customer(write_file):
    _erase("GONE-42")
    job = run(
        write_file("d.json", json.dumps([{"customer_id": "GONE-42", "text": "hi"}])), "documents"
    )
    stored = json.dumps(list(ImportRowIssue.objects.filter(job=job).values()))
    assert (
        SUPPRESSED in stored and "GONE-42" not in stored and pseudonymise("GONE-42") not in stored
    )


# --- through the command line -------------------------------------------------------------


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_import_command_reads_the_consent_column_and_refuses_erased(write_file):
    _erase("GONE")
    path = write_file(
        "customers.csv", "member,orders,allowed\nA,3,yes\nB,4,no\nC,5,perhaps\nGONE,6,yes\n"
    )
    code, out, err = run_command(
        path, "--type", "customers", "--map", "customer_id=member", "--map", "consent=allowed"
    )
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "read=4 imported=2 duplicates=0 rejected=2"
    assert "allowed -> consent" in err
    assert consent_of("A", "B") == [True, False]
    assert events_of("B") == [(False, "import", "system")]


def test_import_command_no_consent_default_and_row_values(write_file):
    path = write_file("c.csv", "customer_id,orders,consent\nA,3,\nB,4,yes\n")
    code, out, err = run_command(path, "--type", "customers", "--no-consent")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "read=2 imported=2 duplicates=0 rejected=0"
    assert consent_of("A", "B") == [False, True]
