"""The bias audit page and the run page's audit line.

Who may see what: alice (admin), bob (analyst), carol (product manager) and
olive (privacy officer) read the audit; dave (integration) may not, and his
run page shows no audit line; anonymous visitors are sent to log in.
"""

from __future__ import annotations

import pytest

from segapp.models import BiasAudit, RunStatus
from segapp.services.bias import compute_bias_audit
from tests.segapp.test_bias_audit import SMALL_NUMBER, build_audited_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def olive(make_user):
    return make_user("olive", "privacy_officer")


@pytest.fixture
def run(db):
    return build_audited_run(300, seed=5)


def _get(client, user, url, status=200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "carol", "olive"])
def test_roles_with_the_right_read_the_audit(client, request, who, run):
    compute_bias_audit(run)
    page = _get(client, request.getfixturevalue(who), f"/runs/{run.pk}/bias/")
    assert 'data-testid="bias-summary"' in page and "strongly skewed" in page
    assert "Occasional gifters</strong> on <strong>age</strong> — older: mean 5" in page
    assert 'data-testid="attribute-age"' in page and 'data-testid="proxy"' in page
    assert "How this audit works" in page and "|d| ≥ 0.5" in page
    assert "Tiny" not in page  # the segment below k is only counted
    assert "1 segment with fewer than 10 customers not audited individually" in page


def test_integrations_are_refused_and_visitors_sent_to_log_in(client, dave, run):
    _get(client, dave, f"/runs/{run.pk}/bias/", status=403)
    assert client.post(f"/runs/{run.pk}/bias/").status_code == 403
    client.logout()
    response = client.get(f"/runs/{run.pk}/bias/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_run_without_an_audit_gets_one_on_first_view(client, bob, run):
    assert not BiasAudit.objects.filter(run=run).exists()
    page = _get(client, bob, "/runs/latest/bias/")
    assert BiasAudit.objects.filter(run=run).exists()
    assert f'Bias audit <small class="muted">run #{run.pk}' in page
    assert 'data-flagged="true"' in page


def test_cells_below_k_say_fewer_than_k_and_flagged_cells_are_marked(client, bob, run):
    page = _get(client, bob, f"/runs/{run.pk}/bias/")
    assert "fewer than 10" in page
    assert 'class="r flag"' in page
    assert f"{SMALL_NUMBER} · Tiny" not in page


def test_unknown_and_unfinished_runs_are_clear(client, bob, run):
    page = _get(client, bob, "/runs/999999/bias/", status=404)
    assert "No run 999999" in page and "Traceback" not in page
    _get(client, bob, "/runs/not-a-run/bias/", status=404)
    run.status = RunStatus.FAILED
    run.save(update_fields=["status"])
    page = _get(client, bob, f"/runs/{run.pk}/bias/")
    assert f"Run {run.pk} has status failed: bias audits are made for succeeded runs." in page


def test_a_failed_audit_says_so_and_can_be_computed_again(client, bob, run):
    BiasAudit.objects.create(run=run, result={"error": "The bias audit stopped on an error."})
    page = _get(client, bob, f"/runs/{run.pk}/bias/")
    assert "The bias audit stopped on an error." in page and 'data-testid="recompute"' in page
    response = client.post(f"/runs/{run.pk}/bias/")
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/bias/"
    audit = BiasAudit.objects.get(run=run)
    assert "error" not in audit.result and audit.flagged > 0


def test_the_run_page_loads_the_audit_line_for_those_who_may_read_it(client, bob, dave, run):
    compute_bias_audit(run)
    page = _get(client, bob, f"/runs/{run.pk}/")
    assert f'hx-get="/runs/{run.pk}/bias/line/"' in page
    line = _get(client, bob, f"/runs/{run.pk}/bias/line/")
    print(line)
    assert line.startswith('<p class="bias-line" data-testid="bias-line">Bias audit: ')
    assert "strongly skewed (age" in line and f'href="/runs/{run.pk}/bias/">view audit</a>' in line
    assert _get(client, dave, f"/runs/{run.pk}/bias/line/") == ""


def test_the_audit_line_says_when_there_is_no_audit_yet(client, carol, run):
    line = _get(client, carol, f"/runs/{run.pk}/bias/line/")
    assert "Bias audit: not computed yet · " in line and "view audit" in line


def test_an_audit_that_breaks_on_first_view_is_a_message_not_a_server_error(
    client, bob, run, monkeypatch
):
    monkeypatch.setattr("segapp.services.bias.audit_bias", lambda *a, **k: 1 / 0)
    page = _get(client, bob, f"/runs/{run.pk}/bias/")
    assert "The bias audit stopped on an unexpected error" in page
    line = _get(client, bob, f"/runs/{run.pk}/bias/line/")
    assert "Bias audit: could not be computed" in line
