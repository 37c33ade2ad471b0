"""segapp.services.dp: the budget (exact boundary, refusals, concurrency), stored releases,
seeds, bounds, token policies, the budget selector and its card."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
from django.db import connection
from django.template.loader import render_to_string
from rest_framework.authtoken.models import Token

from segapp.models import (
    AuditAction,
    AuditEvent,
    Customer,
    Membership,
    PrivacyBudget,
    PrivacyRelease,
    RunStatus,
    TokenPrivacyPolicy,
)
from segapp.selectors.privacy_budget import budget_status
from segapp.services import dp
from tests.web.factories import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    settings.VOXSEG_DP_EPSILON_BUDGET = 10.0
    settings.VOXSEG_DP_DELTA_BUDGET = 1e-5
    return build_persona_run(240)


def release(run, epsilon, *, scope="user:1", **options):
    return dp.release_run(run, epsilon=epsilon, scope=scope, requester="bob", **options)


def spent() -> tuple[float, float]:
    budget = PrivacyBudget.objects.get(dataset=dp.DATASET)
    return budget.epsilon_spent, budget.delta_spent


def test_a_release_is_paid_stored_and_audited(run):
    outcome = release(run, 1.0, seed=5)
    assert outcome.created
    stored = PrivacyRelease.objects.get()
    assert (stored.run, stored.epsilon, stored.delta, stored.seed) == (run, 1.0, 0.0, 5)
    assert stored.result["sizes"]["mechanism"] == "laplace"
    assert spent() == (1.0, 0.0)
    entry = AuditEvent.objects.get(action=AuditAction.PRIVATE_RELEASE)
    assert entry.target == f"run {run.pk}" and entry.details["epsilon"] == 1.0


def test_the_figures_are_those_of_the_current_fitted_members(run, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1e7
    assert Membership.objects.filter(run=run, assigned_after_fit=True).exists()
    document = dp.release_document(release(run, 1e6).release)
    fitted = Membership.objects.filter(run=run, assigned_after_fit=False)
    for segment in run.segments.all():
        exact = fitted.filter(segment=segment).count()
        released = document["sizes"]["segments"][str(segment.number)]
        assert released == (exact if exact >= 10 else None)
    outside = fitted.filter(segment=None).count()
    assert document["sizes"]["outside_segments"] == (outside if outside >= 10 else None)
    assert document["sizes"]["counts"] == "customers the run was fitted on"


def test_a_repeat_of_a_stored_release_spends_nothing(run):
    first = release(run, 2.0, quantities=["sizes", "shares"])
    again = release(run, 2.0, quantities=["shares", "sizes"])
    assert not again.created and again.release.pk == first.release.pk
    assert spent() == (2.0, 0.0)
    unseeded = [release(run, 0.5, scope="user:2").release.result for _ in range(3)]
    assert unseeded[0] == unseeded[1] == unseeded[2]  # served again: no averaging attack
    assert spent() == (2.5, 0.0)
    assert AuditEvent.objects.filter(details__served_again=True).count() == 3


def test_spending_exactly_the_rest_succeeds_and_a_bit_more_is_refused(run, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1.0
    for epsilon, scope in ((0.1, "a"), (0.2, "b"), (0.7, "c")):  # 0.1 + 0.2 + 0.7 == 1 exactly
        assert release(run, epsilon, scope=scope).created
    assert spent()[0] == 1.0
    with pytest.raises(dp.BudgetExceeded, match=r"only epsilon=0 of 1 .* remain"):
        release(run, 1e-6, scope="d")
    assert PrivacyRelease.objects.count() == 3 and spent()[0] == 1.0
    print(f"budget 1.0: 0.1 + 0.2 + 0.7 spent = {spent()[0]!r}; 1e-6 more refused")


def test_delta_is_budgeted_too(run, settings):
    settings.VOXSEG_DP_DELTA_BUDGET = 1e-5
    assert release(run, 0.5, delta=6e-6, scope="a").release.result["mechanism"] == (
        "gaussian_analytic"
    )
    assert release(run, 0.5, delta=4e-6, scope="b").created  # exactly the rest
    with pytest.raises(dp.BudgetExceeded, match="delta=1e-09"):
        release(run, 0.5, delta=1e-9, scope="c")
    assert spent() == (1.0, 1e-5)


def test_a_refused_release_stores_nothing_and_records_nothing(run, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 0.5
    with pytest.raises(dp.BudgetExceeded):
        release(run, 0.6)
    assert not PrivacyRelease.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PRIVATE_RELEASE).exists()
    assert spent() == (0.0, 0.0)


def test_seeded_releases_are_identical_and_unseeded_ones_differ(run):
    a = release(run, 1.0, seed=11, scope="user:1").release.result
    b = release(run, 1.0, seed=11, scope="user:2").release.result  # paid again, same noise
    c = release(run, 1.0, scope="user:3").release.result
    d = release(run, 1.0, scope="user:4").release.result
    assert a == b
    assert c != d and c["sizes"] != a["sizes"]
    assert a["reproducible"] and not c["reproducible"]


def test_the_seeded_noise_depends_on_the_server_secret(run, settings):
    first = release(run, 1.0, seed=11, scope="user:1").release.result
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    second = release(run, 1.0, seed=11, scope="user:2").release.result
    assert first["sizes"]["segments"] != second["sizes"]["segments"]


def test_bounds_are_declared_or_found_privately_never_from_the_exact_data(run, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 500.0
    result = release(run, 1.0, bounds={"spend_12m": [0, 600]}).release.result
    features = result["means"]["features"]
    assert features["spend_12m"]["bounds"] == [0.0, 600.0]
    assert features["spend_12m"]["bounds_source"] == "declared"
    assert "bounds_search" not in features["spend_12m"]
    search = features["orders_12m"]
    # 240 customers at ε = 1: no bin of the noisy histogram clears the threshold
    assert "bounds" not in search and "Too few customers" in search["note"]
    assert result["means"]["segments"]["0"].keys() == {"spend_12m"}
    assert any("found with differential privacy" in note for note in result["notes"])

    generous = release(run, 200.0, scope="user:2").release.result["means"]
    orders = generous["features"]["orders_12m"]
    assert orders["bounds_source"] == "private"
    assert orders["bounds_search"]["epsilon"] == pytest.approx(
        orders["epsilon"] / (1 - dp.BOUNDS_SHARE) * dp.BOUNDS_SHARE
    )
    lower, upper = orders["bounds"]
    assert lower < upper and all(
        edge == 0 or abs(math.log2(abs(edge)) - round(math.log2(abs(edge)))) < 1e-9
        for edge in (lower, upper)
    )  # bin edges (powers of two), not the data's minimum or maximum
    exact = [c.behaviour["orders_12m"] for c in Customer.objects.all()]
    print(f"orders_12m: exact range {min(exact)}..{max(exact)}, private bounds {lower}..{upper}")
    assert lower <= np.median(exact) <= upper
    assert "topic:0" not in generous["features"] and "sentiment" not in generous["features"]


def test_bad_requests_are_refused_before_anything_is_spent(run):
    with pytest.raises(dp.ReleaseError, match="not a behavioural feature"):
        release(run, 1.0, bounds={"age": [0, 99]})
    with pytest.raises(dp.ReleaseError, match="seed"):
        release(run, 1.0, seed=-1)
    run.status = RunStatus.RUNNING
    run.save()
    with pytest.raises(dp.ReleaseRefused, match="has not succeeded"):
        release(run, 1.0)
    assert spent() == (0.0, 0.0) if PrivacyBudget.objects.exists() else True


def test_changing_the_budget_is_audited_and_reset_starts_over(run, alice):
    release(run, 3.0)
    budget = dp.change_budget(epsilon_total=20.0, user=alice)
    assert (budget.epsilon_total, budget.epsilon_spent) == (20.0, 3.0)
    budget = dp.change_budget(reset=True, user=alice)
    assert budget.epsilon_spent == 0.0
    changes = AuditEvent.objects.filter(action=AuditAction.BUDGET_CHANGE).order_by("id")
    assert [c.details["after"]["epsilon_total"] for c in changes] == [20.0, 20.0]
    assert changes[0].details["before"]["epsilon_spent"] == 3.0
    with pytest.raises(dp.BudgetError):
        dp.change_budget(user=alice)
    with pytest.raises(dp.BudgetError):
        dp.change_budget(epsilon_total=-1, user=alice)


def test_token_policies_are_set_and_cleared(dave, alice):
    with pytest.raises(dp.PolicyError, match="no API token"):
        dp.set_token_policy(username="dave", epsilon=1.0)
    token = Token.objects.create(user=dave)
    policy = dp.set_token_policy(username="dave", epsilon=0.5, delta=1e-6, user=alice)
    assert (policy.token, policy.epsilon, policy.delta) == (token, 0.5, 1e-6)
    assert dp.token_policy(Token.objects.get(pk=token.pk)) == policy
    with pytest.raises(dp.PolicyError, match="No user"):
        dp.set_token_policy(username="nobody", epsilon=1.0)
    with pytest.raises(dp.PolicyError, match="epsilon"):
        dp.set_token_policy(username="dave", epsilon=0)
    assert dp.clear_token_policy(username="dave")
    assert not dp.clear_token_policy(username="dave")
    assert dp.token_policy(Token.objects.get(pk=token.pk)) is None


def test_a_token_loaded_with_its_policy_costs_no_query(dave, django_assert_num_queries):
    token = Token.objects.create(user=dave)
    TokenPrivacyPolicy.objects.create(token=token, epsilon=1.0)
    loaded = Token.objects.select_related("user", "privacy_policy").get(pk=token.pk)
    bare = Token.objects.select_related("user").get(pk=token.pk)
    with django_assert_num_queries(0):
        assert dp.token_policy(loaded).epsilon == 1.0
        assert dp.token_policy(None) is None
    with django_assert_num_queries(1):
        assert dp.token_policy(bare).epsilon == 1.0
        assert dp.token_policy(bare).epsilon == 1.0  # once per token object


def test_budget_status_reads_without_creating_and_lists_the_latest(run):
    empty = budget_status()
    assert (empty["epsilon_total"], empty["epsilon_spent"], empty["releases"]) == (10.0, 0.0, 0)
    assert not PrivacyBudget.objects.exists()
    for i, epsilon in enumerate((0.5, 1.5, 2.0)):
        release(run, epsilon, scope=f"user:{i}", seed=i if i else None)
    status = budget_status(last=2)
    assert status["epsilon_spent"] == 4.0 and status["epsilon_remaining"] == 6.0
    assert status["releases"] == 3
    assert [r["epsilon"] for r in status["last_releases"]] == [2.0, 1.5]
    assert status["last_releases"][0]["seeded"] is True
    assert "sequential composition" in status["composition"]


def test_the_budget_card_shows_spent_totals_and_last_releases(run):
    release(run, 1.25, delta=2e-6, scope="user:9")
    html = render_to_string("privacy/_budget.html", {"budget": budget_status()})
    assert 'data-testid="privacy-budget"' in html
    assert "1.25 of 10" in html and "2e-06 of 1e-05" in html
    assert f">#{run.pk}</a>" in html and "bob" in html


def test_release_rows_state_epsilon_and_delta_on_every_row(run):
    declared = {"spend_12m": [0, 600]}
    document = dp.release_document(release(run, 1.0, seed=3, bounds=declared).release)
    rows = dp.release_rows(document)
    assert {r["quantity"] for r in rows} == {"size", "share", "mean", "topic_documents"}
    assert all(r["epsilon"] == 1.0 and r["delta"] == 0.0 and r["mechanism"] for r in rows)
    suppressed = [r for r in rows if r["value"] == ""]
    assert suppressed and all(r["note"] == "fewer than 10" for r in suppressed)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_never_overspend(settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1.0
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    the_run = build_persona_run(120)
    dp.budget_for()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def ask(i: int) -> None:
        try:
            start.wait()
            dp.release_run(the_run, epsilon=0.3, scope=f"thread:{i}", requester="t")
            outcomes.append("released")
        except dp.BudgetExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    budget = PrivacyBudget.objects.get()
    print(f"8 concurrent releases at 0.3 on a budget of 1.0: {sorted(outcomes)}, "
          f"spent {budget.epsilon_spent}")  # fmt: skip
    assert sorted(outcomes) == ["refused"] * 5 + ["released"] * 3
    assert budget.epsilon_spent == pytest.approx(0.9)
    assert PrivacyRelease.objects.count() == 3
