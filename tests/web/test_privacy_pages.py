"""Privacy centre pages: roles, a customer's request page, consent, exports, erasure, audit log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from segapp.models import AuditEvent, Customer, PrivacyRequest
from segapp.services import audit
from segapp.services.pseudonyms import pseudonymise
from tests.api.persona_data import build_persona_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    return build_persona_run()


@pytest.fixture
def officer(make_user):
    client = Client()
    client.force_login(make_user("priya", "privacy_officer"))
    return client


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_privacy_officers_and_admins_open_the_centre(built, alice, bob, carol, dave, officer):
    assert officer.get("/privacy/").status_code == 200
    assert _as(alice).get("/privacy/").status_code == 200
    for user in (bob, carol, dave):
        assert _as(user).get("/privacy/").status_code == 403
        assert _as(user).get("/privacy/audit/").status_code == 403
    page = officer.get("/privacy/").content.decode()
    for testid in ("find-customer", "consent-figures", "retention", "requests", "recent-audit"):
        assert f'data-testid="{testid}"' in page
    assert 'href="/privacy/"' in page  # the navigation shows the centre to its users
    assert 'href="/privacy/"' not in _as(bob).get("/").content.decode()


def test_finding_a_customer_by_external_id_opens_their_page(built, officer):
    response = officer.post("/privacy/", {"customer": "p-3"})
    pseudonym = pseudonymise("p-3")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/privacy/subjects/{pseudonym}/"
    )
    page = officer.get(response["Location"]).content.decode()
    assert "What is held" in page and "Erase this customer" in page
    unknown = officer.get(f"/privacy/subjects/{'e' * 64}/").content.decode()
    assert "holds no data" in unknown


def test_consent_is_recorded_from_the_page(built, officer):
    pseudonym = pseudonymise("p-2")
    response = officer.post(f"/privacy/subjects/{pseudonym}/", {"consented": "0", "reason": "call"})
    assert response.status_code == 302
    assert Customer.objects.get(pseudonym=pseudonym).segmentation_consent is False
    page = officer.get(f"/privacy/subjects/{pseudonym}/").content.decode()
    assert 'data-testid="consent-state">withdrawn' in page and "opted out" in page


def test_access_exports_download_and_are_recorded(built, officer):
    pseudonym = pseudonymise("p-1")
    as_json = officer.get(f"/privacy/subjects/{pseudonym}/export.json")
    assert as_json.status_code == 200 and "attachment" in as_json["Content-Disposition"]
    assert len(json.loads(as_json.content)["documents"]) == 2
    as_html = officer.get(f"/privacy/subjects/{pseudonym}/export.html")
    assert b"What VoxSeg holds about you" in as_html.content
    assert officer.get(f"/privacy/subjects/{pseudonym}/export.pdf").status_code == 404
    assert PrivacyRequest.objects.filter(kind="access").count() == 2


def test_erasure_needs_the_confirmation_word_then_shows_a_receipt(built, officer):
    pseudonym = pseudonymise("p-1")
    refused = officer.post(f"/privacy/subjects/{pseudonym}/erase/", {"confirm": "erase"})
    assert refused.status_code == 400 and b"Type ERASE" in refused.content
    assert Customer.objects.filter(pseudonym=pseudonym).exists()

    done = officer.post(f"/privacy/subjects/{pseudonym}/erase/", {"confirm": "ERASE"}, follow=True)

    assert done.status_code == 200
    page = done.content.decode()
    assert 'data-testid="receipt"' in page and "Done" in page
    assert pseudonym not in page
    assert not Customer.objects.filter(pseudonym=pseudonym).exists()
    assert officer.get(f"/privacy/subjects/{pseudonym}/erase/").status_code == 405


def test_retention_can_be_enforced_from_the_centre(built, officer, settings):
    settings.VOXSEG_RETENTION_DAYS = {
        "documents": 30,
        "events": 0,
        "run_artifacts": 0,
        "audit_log": 0,
    }
    response = officer.post("/privacy/retention/", follow=True)
    assert response.status_code == 200 and b"Retention enforced" in response.content
    sweep = PrivacyRequest.objects.get(kind="retention")
    assert sweep.counts["documents"] == 2 * 32  # the factory's texts date from January 2026


def test_audit_log_page_filters_and_rejects_bad_dates(built, bob, officer):
    audit.record(bob, audit.AuditAction.VIEW_CUSTOMER, pseudonymise("p-1"), channel="web")
    audit.record(bob, audit.AuditAction.EXPORT_MEMBERS, "run 1 segment 0", channel="api")
    page = officer.get("/privacy/audit/?action=view_customer").content.decode()
    rows = page.split('data-testid="audit-rows"')[1]
    assert "Viewed a customer" in rows and "Exported a segment" not in rows
    bad = officer.get("/privacy/audit/?since=last+week")
    assert bad.status_code == 400 and b"is not a date" in bad.content
    assert AuditEvent.objects.count() == 2


def test_the_centre_summarises_the_latest_bias_audit(built, officer):
    from segapp.selectors.bias import bias_summary
    from segapp.services.bias import compute_bias_audit

    compute_bias_audit(built.run)
    card = officer.get("/privacy/").content.decode().split('data-testid="bias-summary"')[1]
    card = card.split("</section>")[0]
    assert f"Run #{built.run.pk}" in card and f"/runs/{built.run.pk}/bias/" in card
    assert bias_summary(built.run) in card


def test_runs_say_how_many_customers_left_since(built, bob, officer, api_as):
    from segapp.services.privacy import consent

    consent.change_consent(pseudonymise("p-1"), False)
    consent.change_consent(pseudonymise("p-2"), False)
    analyst = _as(bob)
    for url in (
        f"/runs/{built.run.pk}/",
        f"/runs/{built.run.pk}/map/",
        f"/runs/{built.run.pk}/segments/0/",
    ):
        page = analyst.get(url).content.decode()
        assert "2 customers opted out or were erased since this run" in page, url
    assert api_as(bob).get(f"/api/v1/runs/{built.run.pk}/").json()["customers_withdrawn"] == 2
