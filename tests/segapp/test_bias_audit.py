"""The bias audit service, selector and command on runs written straight into the database.

`build_audited_run` writes demo customers (behaviour and sensitive columns from
the generator), documents with cached embeddings, and a succeeded run whose
segments are the planted personas (plus a segment below k and some outliers),
so the audit's figures can be checked against what the generator planted.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.core.management import call_command

from nlp.datasets import PERSONAS, generate_demo_dataset
from segapp.models import (
    BiasAudit,
    Customer,
    Document,
    Embedding,
    Membership,
    RunStatus,
    Segment,
    SegmentationRun,
)
from segapp.selectors.bias import bias_audit_view, bias_summary
from segapp.services.bias import (
    BiasAuditError,
    audit_succeeded_run,
    compute_bias_audit,
    current_bias_audit,
    load_audit_inputs,
)

pytestmark = pytest.mark.django_db

BEHAVIOUR = (
    "orders_12m", "spend_12m", "avg_basket", "return_rate", "coupon_use_rate",
    "days_since_last_order", "app_sessions_30d",
)  # fmt: skip
KEYS = [p.key for p in PERSONAS]
MODEL_ID = "test-embedder"
DIM = 24
SMALL_NUMBER = len(PERSONAS)  # the segment below k


def build_audited_run(n_customers: int = 600, *, seed: int = 7) -> SegmentationRun:
    """A succeeded run over generated customers, segmented by their planted persona."""
    rng = np.random.default_rng(seed)
    data = generate_demo_dataset(n_customers=n_customers, seed=seed)
    persona = {row["customer_id"]: KEYS.index(row["persona"]) for row in data.truth}
    customers = Customer.objects.bulk_create(
        Customer(
            pseudonym=hashlib.sha256(f"bias-{seed}-{row['customer_id']}".encode()).hexdigest(),
            behaviour={name: row[name] for name in BEHAVIOUR},
            sensitive={"age": str(row["age"]), "gender": row["gender"], "region": row["region"]},
        )
        for row in data.customers
    )
    labels = np.array([persona[row["customer_id"]] for row in data.customers])
    centres = rng.normal(size=(len(PERSONAS), DIM))
    documents, vectors = [], {}
    for i, customer in enumerate(customers):
        for j in range(int(rng.integers(1, 4))):
            text_hash = hashlib.sha256(f"{customer.pseudonym}-{j}".encode()).hexdigest()
            vector = centres[labels[i]] + 0.8 * rng.normal(size=DIM)
            vectors[text_hash] = (vector / np.linalg.norm(vector)).astype(np.float32)
            documents.append(
                Document(customer=customer, kind="review", text=f"text {i}-{j}",
                         text_hash=text_hash, content_hash=text_hash, original_length=10)
            )  # fmt: skip
    Document.objects.bulk_create(documents, batch_size=2000)
    Embedding.objects.bulk_create(
        Embedding(text_hash=h, model_id=MODEL_ID, vector=v.tobytes()) for h, v in vectors.items()
    )
    segment_of = labels.copy()
    segment_of[rng.random(labels.size) < 0.05] = -1
    segment_of[np.flatnonzero(segment_of >= 0)[:6]] = SMALL_NUMBER
    run = SegmentationRun.objects.create(
        status=RunStatus.SUCCEEDED,
        parameters={"seed": 1, "min_group_size": 10, "text_weight": 1.0, "behaviour_weight": 1.0},
        model_versions={"embedder": MODEL_ID},
        n_customers=n_customers,
        n_segments=len(PERSONAS) + 1,
        stage="done",
        finished_at=datetime.now(UTC),
    )
    names = [p.name for p in PERSONAS] + ["Tiny"]
    segments = Segment.objects.bulk_create(
        Segment(run=run, number=n, name=names[n], size=int((segment_of == n).sum()),
                share=float((segment_of == n).mean()), profile={})
        for n in range(len(names))
    )  # fmt: skip
    Membership.objects.bulk_create(
        Membership(
            run=run,
            customer=customer,
            segment=segments[segment_of[i]] if segment_of[i] >= 0 else None,
            probability=0.9 if segment_of[i] >= 0 else 0.0,
            outlier=bool(segment_of[i] < 0),
        )
        for i, customer in enumerate(customers)
    )
    return run


@pytest.fixture
def audited_run(db) -> SegmentationRun:
    return build_audited_run()


def _flag_pairs(view: dict) -> set[tuple[str, str]]:
    return {(KEYS[f["segment"]], f["attribute"]) for f in view["flags"]}


def test_the_audit_of_a_persona_run_flags_the_older_persona_on_age(audited_run):
    audit = compute_bias_audit(audited_run)
    view = bias_audit_view(audited_run, audit)
    print("summary:", view["summary"], f"({view['seconds']} s)")
    for flag in view["flags"]:
        print(f"  flag {KEYS[flag['segment']]}: {flag['reason']}")
    for item in view["proxy"]["attributes"]:
        print(f"  proxy {item['attribute']}: {item['from_segments']} {item['from_features']}")
    assert ("occasional_gifter", "age") in _flag_pairs(view)
    assert ("busy_parent", "age") not in _flag_pairs(view)
    assert audit.flagged == len(view["flags"]) + sum(
        p["flagged"] for p in view["proxy"]["attributes"]
    )
    assert view["summary"].startswith(f"{len({f['segment'] for f in view['flags']})} segments")
    age = next(p for p in view["proxy"]["attributes"] if p["attribute"] == "age")
    assert age["from_segments"]["flagged"] and age["from_features"] is not None
    gifter = next(
        row
        for a in view["attributes"]
        if a["name"] == "age"
        for row in a["rows"]
        if row["segment"] == KEYS.index("occasional_gifter")
    )
    assert gifter["reason"].startswith("older: mean 55.")


def test_features_are_the_texts_and_behaviour_never_the_sensitive_attributes(audited_run):
    inputs = load_audit_inputs(audited_run, seed=1)
    print("features", inputs.features.shape, "notes", inputs.notes)
    assert list(inputs.sensitive.columns) == ["age", "gender", "region"]
    assert inputs.features.shape == (600, DIM + len(BEHAVIOUR))
    assert inputs.notes == []
    ages = inputs.sensitive["age"].astype(float).to_numpy()
    correlations = [abs(np.corrcoef(col, ages)[0, 1]) for col in inputs.features.T]
    assert max(correlations) < 0.99  # no column is the age itself


def test_spellings_of_one_sensitive_name_are_audited_as_one_attribute(audited_run):
    before = compute_bias_audit(audited_run).result
    # Customers of one segment were imported under "Gender", the others under "gender".
    members = Membership.objects.filter(run=audited_run, segment__number=0)
    respelt = list(Customer.objects.filter(memberships__in=members))
    for customer in respelt:
        customer.sensitive = {
            ("Gender" if name == "gender" else name): value
            for name, value in customer.sensitive.items()
        }
    Customer.objects.bulk_update(respelt, ["sensitive"])

    after = compute_bias_audit(audited_run).result

    print(f"{len(respelt)} customers respelt; flags before {len(before['flags'])}, "
          f"after {len(after['flags'])}")  # fmt: skip
    assert [a["name"] for a in after["attributes"]] == ["age", "gender", "region"]
    assert after["flags"] == before["flags"]


def test_behaviour_declared_sensitive_is_not_a_proxy_feature(audited_run):
    from segapp.models import SensitiveName

    SensitiveName.objects.create(key="spend_12m")

    inputs = load_audit_inputs(audited_run, seed=1)

    assert inputs.features.shape == (600, DIM + len(BEHAVIOUR) - 1)


def test_a_segment_below_k_is_counted_not_shown(audited_run):
    view = bias_audit_view(audited_run, compute_bias_audit(audited_run))
    assert view["small_segments"] == 1
    assert SMALL_NUMBER not in {s["number"] for s in view["segments"]}
    assert all(r["segment"] != SMALL_NUMBER for a in view["attributes"] for r in a["rows"])


def test_a_larger_k_hides_more_at_read_time(audited_run, settings):
    audit = compute_bias_audit(audited_run)
    before = bias_audit_view(audited_run, audit)
    settings.VOXSEG_MIN_GROUP_SIZE = 70
    after = bias_audit_view(audited_run, audit)
    print("segments shown at k=10:", len(before["segments"]), "at k=70:", len(after["segments"]))
    assert after["min_group_size"] == 70
    assert all(s["size"] >= 70 for s in after["segments"])
    assert len(after["segments"]) < len(before["segments"])
    assert after["small_segments"] == before["small_segments"] + (
        len(before["segments"]) - len(after["segments"])
    )
    for attribute in after["attributes"]:
        for row in attribute["rows"]:
            for cell in row["cells"]:
                if cell["share"] is not None:
                    assert cell["share"] * row["n"] >= 70 - 1e-6
                if cell["share"] is None:
                    assert cell["difference"] is None


def test_the_audit_never_fails_the_run(audited_run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("segapp.services.bias.audit_bias", broken)
    audit_succeeded_run(audited_run.pk)  # logs, does not raise
    audit = BiasAudit.objects.get(run=audited_run)
    assert "unexpected error" in audit.result["error"]
    assert bias_summary(audited_run) == "could not be computed"
    audited_run.refresh_from_db()
    assert audited_run.status == RunStatus.SUCCEEDED


def test_a_run_that_succeeds_is_audited_by_the_run_service(audited_run, monkeypatch):
    from segapp.services.segmentation import runs

    monkeypatch.setattr(runs, "_analyse", lambda run, progress: None)  # results already saved
    runs._analyse_locked(audited_run, None)
    audit = BiasAudit.objects.get(run=audited_run)
    assert audit.flagged > 0 and "error" not in audit.result

    def broken(run, progress):
        raise RuntimeError("the pipeline broke")

    failed = build_audited_run(120, seed=9)
    monkeypatch.setattr(runs, "_analyse", broken)
    runs._analyse_locked(failed, None)
    assert not BiasAudit.objects.filter(run=failed).exists()  # failed runs are not audited


def test_an_audit_is_computed_again_after_customers_withdraw(audited_run):
    first = compute_bias_audit(audited_run)
    assert current_bias_audit(audited_run).created_at == first.created_at
    audited_run.privacy_changed_at = first.created_at + timedelta(seconds=1)
    audited_run.save(update_fields=["privacy_changed_at"])
    assert current_bias_audit(audited_run).created_at > first.created_at


def test_a_corrected_sensitive_value_is_in_the_next_audit(audited_run):
    from segapp.services.privacy.rectify import rectify_customer

    def gender_counts(audit) -> dict:
        gender = next(a for a in audit.result["attributes"] if a["name"] == "gender")
        return dict(zip(gender["categories"], gender["population"]["counts"], strict=True))

    first = compute_bias_audit(audited_run)
    before = gender_counts(first)
    member = next(
        m.customer
        for m in Membership.objects.filter(run=audited_run).select_related("customer")
        if (m.customer.sensitive or {}).get("gender") in before
    )
    old = member.sensitive["gender"]
    new = next(value for value in before if value != old)
    rectify_customer(member.pseudonym, {"gender": new})

    audited_run.refresh_from_db()
    assert audited_run.privacy_changed_at > first.created_at
    assert audited_run.customers_withdrawn == 0  # corrected, not withdrawn
    again = current_bias_audit(audited_run)
    assert again.created_at > first.created_at
    after = gender_counts(again)
    print(f"gender counts before {before}, after correcting one member: {after}")
    assert after[old] == before[old] - 1 and after[new] == before[new] + 1


def test_runs_that_did_not_succeed_have_no_audit(audited_run):
    audited_run.status = RunStatus.FAILED
    audited_run.save(update_fields=["status"])
    with pytest.raises(BiasAuditError, match="only succeeded runs"):
        compute_bias_audit(audited_run)
    assert current_bias_audit(audited_run) is None
    assert bias_audit_view(audited_run, None)["state"] == "not_succeeded"


def test_bias_audit_command_prints_flags_proxies_and_the_summary_last(audited_run, capsys):
    call_command("bias_audit", "--run", str(audited_run.pk))
    lines = capsys.readouterr().out.strip().splitlines()
    print("\n".join(lines))
    assert lines[0].startswith(f"run={audited_run.pk} customers=600 audited_segments=9")
    assert any(line.startswith("flag: segment 8 (Occasional gifters) on age") for line in lines)
    assert any(line.startswith("proxy age: R² chance 0") for line in lines)
    assert lines[-1] == f"bias audit: {bias_summary(audited_run)}"


def test_bias_audit_command_refuses_unknown_or_unfinished_runs(audited_run, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("bias_audit", "--run", "999999")
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == "error: No run 999999."


@pytest.mark.slow
def test_a_real_run_ends_with_the_audit_line_before_the_run_line(db, tmp_path, capsys):
    """`segment --foreground` on 150 demo customers, through the real pipeline and model."""
    from tests.segapp.segmentation.conftest import import_demo

    import_demo(tmp_path, n_customers=150)
    call_command("segment", "--foreground")
    lines = capsys.readouterr().out.strip().splitlines()
    print("\n".join(lines[-2:]))
    run = SegmentationRun.objects.get()
    assert lines[-1].startswith(f"run={run.pk} status=succeeded segments=")
    assert lines[-2] == f"bias audit: {bias_summary(run)}"
    audit = BiasAudit.objects.get(run=run)
    assert "error" not in audit.result
    assert {a["name"] for a in audit.result["attributes"]} == {"age", "gender", "region"}
    print("real run audit:", audit.result["seconds"], "s", audit.result["notes"])


def test_a_run_without_sensitive_attributes_or_cached_texts_says_so(db):
    run = build_audited_run(120, seed=4)
    Customer.objects.update(sensitive={})
    SegmentationRun.objects.filter(pk=run.pk).update(model_versions={})
    run.refresh_from_db()
    inputs = load_audit_inputs(run)
    assert inputs.features.shape == (120, len(BEHAVIOUR))  # behaviour only
    view = bias_audit_view(run, compute_bias_audit(run))
    print(view["notes"], view["summary"])
    assert view["attributes"] == [] and view["flags"] == []
    assert "No customer of this run has sensitive attributes to audit." in view["notes"]
    assert any("names no embedding model" in note for note in view["notes"])
    assert view["summary"] == "no segment strongly skewed · no proxy found"


def test_bias_audit_command_reports_a_broken_audit_in_one_line(audited_run, monkeypatch, capsys):
    monkeypatch.setattr("segapp.services.bias.audit_bias", lambda *a, **k: 1 / 0)
    with pytest.raises(SystemExit) as exit_:
        call_command("bias_audit", "--run", str(audited_run.pk))
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert (
        err.startswith("error: The bias audit stopped on an unexpected error") and "\n" not in err
    )
