"""GET /api/v1/runs/{run}/bias/: the bias audit of a run.

Who may see what: alice (admin), bob (analyst), carol (product manager) and
olive (privacy officer) read audits; dave (integration) gets 403; anonymous
callers 401. Errors come in the API's one error shape.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from segapp.models import BiasAudit, RunStatus
from tests.segapp.test_bias_audit import KEYS, SMALL_NUMBER, build_audited_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def olive(make_user):
    return make_user("olive", "privacy_officer")


@pytest.fixture
def run(db):
    return build_audited_run(300, seed=5)


def _url(run) -> str:
    return f"/api/v1/runs/{run}/bias/"


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "olive"])
def test_roles_with_the_right_read_the_audit(request, api_as, who, run):
    response = api_as(request.getfixturevalue(who)).get(_url(run.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "ready" and body["run"] == run.pk
    assert body["min_group_size"] == 10 and body["small_segments"] == 1
    assert SMALL_NUMBER not in {s["number"] for s in body["segments"]}
    flags = {(KEYS[f["segment"]], f["attribute"]) for f in body["flags"]}
    assert ("occasional_gifter", "age") in flags
    assert body["summary"].endswith(("no proxy found", "proxy: age (from segments and features)"))


def test_the_payload_hides_cells_below_k_and_documents_its_figures(api_as, bob, run):
    body = api_as(bob).get(_url("latest")).json()
    age = next(a for a in body["attributes"] if a["name"] == "age")
    gifter = next(r for r in age["rows"] if r["segment"] == KEYS.index("occasional_gifter"))
    print({k: gifter[k] for k in ("mean", "rest_mean", "effect", "p_adjusted", "reason")})
    assert gifter["flagged"] and gifter["effect"]["cohens_d"] >= 1.0 and gifter["p_adjusted"] < 0.05
    hidden = [c for r in age["rows"] for c in r["cells"] if c["share"] is None]
    assert hidden and all(c["difference"] is None and c["cohens_h"] is None for c in hidden)
    shown = [(c, r["n"]) for r in age["rows"] for c in r["cells"] if c["share"] is not None]
    assert all(round(c["share"] * n) >= 10 for c, n in shown)
    proxy = {p["attribute"]: p for p in body["proxy"]["attributes"]}
    print({name: (p["from_segments"], p["from_features"]) for name, p in proxy.items()})
    assert proxy["age"]["metric"] == "R²" and proxy["age"]["baseline"] == 0
    assert proxy["gender"]["baseline"] == round(1 / proxy["gender"]["classes"], 3)
    assert body["thresholds"]["min_abs_d"] == 0.5


def test_a_run_without_an_audit_gets_one_on_this_call(api_as, carol, run):
    assert not BiasAudit.objects.filter(run=run).exists()
    assert api_as(carol).get(_url(run.pk)).json()["state"] == "ready"
    assert BiasAudit.objects.filter(run=run).exists()


def test_integrations_and_anonymous_callers_are_refused(api_as, dave, run):
    response = api_as(dave).get(_url(run.pk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    response = APIClient().get(_url(run.pk))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_and_unfinished_runs_are_clean_errors(api_as, bob, run):
    client = api_as(bob)
    for ref in ("999999", "nonsense"):
        response = client.get(_url(ref))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    run.status = RunStatus.FAILED
    run.save(update_fields=["status"])
    response = client.get(_url(run.pk))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "run_not_succeeded" and "has status failed" in error["message"]


def test_an_audit_that_failed_says_so(api_as, bob, run):
    BiasAudit.objects.create(run=run, result={"error": "The bias audit stopped on an error."})
    body = api_as(bob).get(_url(run.pk)).json()
    assert body["state"] == "error" and body["message"] == "The bias audit stopped on an error."
    assert body["summary"] == "could not be computed"


def test_the_endpoint_is_documented_with_an_example(api_as, bob):
    schema = api_as(bob).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/runs/{run}/bias/"]["get"]
    assert {"200", "403", "404", "409"} <= set(operation["responses"])
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["examples"]
