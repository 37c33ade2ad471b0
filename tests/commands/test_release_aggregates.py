"""`manage.py release_aggregates` and `manage.py privacy_token`: outputs state ε and δ, the
budget refuses with one error line and exit 1, a repeat is free."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from segapp.models import AuditAction, AuditEvent, PrivacyBudget, PrivacyRelease, TokenPrivacyPolicy
from tests.web.factories import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(settings):
    settings.VOXSEG_MIN_GROUP_SIZE = 10
    settings.VOXSEG_DP_EPSILON_BUDGET = 10.0
    settings.VOXSEG_DP_DELTA_BUDGET = 1e-5
    return build_persona_run(240)


def command(name: str, *args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command(name, *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_a_json_release_states_epsilon_delta_and_each_part(run, tmp_path):
    path = tmp_path / "release.json"
    code, out, err = command(
        "release_aggregates", "--run", run.pk, "--epsilon", 1, "--seed", 4, "-o", path
    )
    assert code == 0, err
    assert out == ""
    document = json.loads(path.read_text())
    assert (document["epsilon"], document["delta"], document["mechanism"]) == (1.0, 0.0, "laplace")
    for part in ("sizes", "means", "topics"):
        assert {"epsilon", "delta", "mechanism"} <= set(document[part])
    assert document["sizes"]["sensitivity"] == 1.0
    assert f"run={run.pk} epsilon=1 delta=0 mechanism=laplace served_again=no" in err
    assert "budget_epsilon=1/10" in err
    assert AuditEvent.objects.get(action=AuditAction.PRIVATE_RELEASE).channel == "cli"


def test_a_csv_release_states_epsilon_and_delta_on_every_row(run):
    code, out, err = command(
        "release_aggregates", "--epsilon", 2, "--delta", 1e-6, "--format", "csv",
        "--quantities", "sizes,shares", "--seed", 1,
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["quantity"] for r in rows} == {"size", "share"}
    assert all(r["epsilon"] == "2.0" and r["delta"] == "1e-06" for r in rows)
    assert {r["mechanism"] for r in rows} == {"gaussian_analytic", "post-processing"}
    small = [r for r in rows if r["value"] == ""]
    assert small and all(r["note"] == "fewer than 10" for r in small)


def test_the_same_request_again_is_served_without_spending(run):
    args = ("release_aggregates", "--epsilon", 3, "--seed", 9)
    first = command(*args)
    again = command(*args)
    assert again[0] == 0 and "served_again=yes" in again[2]
    assert json.loads(first[1])["sizes"] == json.loads(again[1])["sizes"]
    assert PrivacyBudget.objects.get().epsilon_spent == 3.0
    assert PrivacyRelease.objects.count() == 1


def test_the_budget_refuses_with_one_error_line_and_exit_1(run, settings):
    settings.VOXSEG_DP_EPSILON_BUDGET = 1.0
    assert command("release_aggregates", "--epsilon", 1)[0] == 0
    code, out, err = command("release_aggregates", "--epsilon", 0.5, "--seed", 2)
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: The privacy budget")
    assert "only epsilon=0 of 1" in lines[0] and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--run", 999, "--epsilon", 1), "error: No run 999."),
        (("--epsilon", 0), "error: epsilon must be from 1e-06 to 1e+06"),
        (("--epsilon", 1, "--quantities", "sizes,ages"), "error: unknown quantity ages"),
        (("--epsilon", 1, "--bounds", "spend_12m"), "error: --bounds takes FEATURE=LOWER:UPPER"),
        (("--epsilon", 1, "--bounds", "age=1:99"), "error: 'age' is not a behavioural feature"),
    ],
)
def test_bad_arguments_are_one_error_line(run, args, message):
    code, out, err = command("release_aggregates", *args)
    assert code == 1 and out == ""
    assert err.strip().startswith(message)
    assert not PrivacyRelease.objects.exists()


def test_declared_bounds_are_used(run):
    code, out, _ = command(
        "release_aggregates", "--epsilon", 1, "--quantities", "means",
        "--bounds", "spend_12m=0:800",
    )  # fmt: skip
    assert code == 0
    feature = json.loads(out)["means"]["features"]["spend_12m"]
    assert feature["bounds"] == [0.0, 800.0] and feature["bounds_source"] == "declared"
    assert feature["sensitivity"] == 400.0


def test_privacy_token_sets_and_clears_a_policy(dave):
    assert command("privacy_token", "dave", "--epsilon", 1)[2].startswith("error: User 'dave'")
    Token.objects.create(user=dave)
    code, out, _ = command("privacy_token", "dave", "--epsilon", 0.5, "--delta", 1e-7)
    assert code == 0 and out.strip() == "token policy of dave: epsilon=0.5 delta=1e-07"
    assert TokenPrivacyPolicy.objects.get().epsilon == 0.5
    assert command("privacy_token", "dave", "--clear")[1].strip() == "token policy of dave: cleared"
    assert not TokenPrivacyPolicy.objects.exists()
    code, _, err = command("privacy_token", "nobody", "--epsilon", 1)
    assert code == 1 and err.strip() == "error: No user 'nobody'."
