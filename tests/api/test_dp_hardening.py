"""Private releases cannot be replayed: no caller's seed outside tests, and each user sees only
their own releases in the budget (admins and privacy officers see everyone's)."""

from __future__ import annotations

import pytest

from segapp.models import PrivacyRelease
from segapp.services import dp
from tests.web.factories import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    settings.VOXSEG_DP_EPSILON_BUDGET = 10.0
    settings.VOXSEG_DP_DELTA_BUDGET = 1e-5
    return build_persona_run(240)


def release(client, run, **body):
    return client.post(f"/api/v1/runs/{run.pk}/private-release/", body, format="json")


def test_a_seed_is_refused_unless_the_test_setting_allows_it(run, bob, api_as, settings):
    settings.VOXSEG_DP_ALLOW_SEEDS = False
    response = release(api_as(bob), run, epsilon=1.0, seed=7)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "does not accept a seed" in error["message"]
    assert not PrivacyRelease.objects.exists()
    assert dp.budget_for().epsilon_spent == 0.0


def test_without_a_seed_each_release_draws_fresh_noise_and_a_repeat_is_served_free(
    run, bob, api_as, settings
):
    settings.VOXSEG_DP_ALLOW_SEEDS = False
    client = api_as(bob)
    first = release(client, run, epsilon=2.0, quantities=["sizes"])
    again = release(client, run, epsilon=2.0, quantities=["sizes"])
    other = release(client, run, epsilon=2.0, quantities=["sizes", "shares"])
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["sizes"] == first.json()["sizes"] and again.json()["served_again"]
    assert first.json()["reproducible"] is False
    assert "operating system" in first.json()["randomness"]
    assert dp.budget_for().epsilon_spent == 4.0


def test_a_user_sees_only_their_own_releases_in_the_budget(run, alice, bob, dave, api_as):
    release(api_as(bob), run, epsilon=1.0, quantities=["sizes"])
    release(api_as(dave), run, epsilon=0.5, quantities=["sizes"])
    dp.release_run(run, epsilon=0.25, quantities=["sizes"], requester="cli", scope="cli",
                   channel="cli")  # fmt: skip

    def seen_by(user) -> tuple[int, list[str], float]:
        body = api_as(user).get("/api/v1/privacy/budget/").json()
        return (
            body["releases"],
            [r["requested_by"] for r in body["last_releases"]],
            body["epsilon_spent"],
        )

    assert seen_by(bob) == (1, ["bob"], 1.75)  # the budget is shared, the list is his own
    assert seen_by(dave) == (1, ["dave"], 1.75)
    assert seen_by(alice) == (3, ["cli", "dave", "bob"], 1.75)
