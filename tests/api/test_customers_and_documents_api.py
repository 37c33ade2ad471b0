"""Customers by pseudonym and redacted documents, with filters and role checks."""

from __future__ import annotations

import pytest

from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job
from segapp.services.pseudonyms import pseudonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(write_file):
    def load(name, body, file_type):
        job = create_import_job(
            file_type=file_type,
            original_filename=name,
            options=ImportOptions(),
            source="test",
            path=write_file(name, body),
        )
        return run_import_job(job.pk)

    load("c.csv", "customer_id,orders,age\nA,3,30\nB,7,41\nC,1,25\n", "customers")
    load(
        "d.csv",
        "customer_id,text,kind,created_at\n"
        "A,Love it,review,2025-01-01\nA,Meh,social,2025-03-01\nB,Call 555-123-4567,survey,2025-02-01\n",
        "documents",
    )


def test_customer_is_found_by_pseudonym_with_counts(dataset, bob, api_as):
    body = api_as(bob).get(f"/api/v1/customers/{pseudonymise('A')}/").json()
    assert body["behaviour"] == {"orders": 3.0}
    assert body["sensitive"] == {"age": "30"}
    assert (body["documents"], body["events"]) == (2, 0)
    assert body["segmentation_consent"] is True


def test_integrations_read_a_customer_without_their_profile(dataset, dave, api_as):
    body = api_as(dave).get(f"/api/v1/customers/{pseudonymise('A')}/").json()
    assert body["pseudonym"] == pseudonymise("A")
    assert not {"behaviour", "sensitive", "attributes", "event_features", "documents"} & set(body)


def test_customers_filter_by_having_documents(dataset, bob, api_as):
    body = api_as(bob).get("/api/v1/customers/?has_documents=false").json()
    assert [c["pseudonym"] for c in body["results"]] == [pseudonymise("C")]


def test_documents_filter_by_customer_kind_and_date(dataset, bob, api_as):
    client = api_as(bob)
    mine = client.get(f"/api/v1/documents/?customer={pseudonymise('A')}").json()
    assert mine["count"] == 2
    social = client.get("/api/v1/documents/?kind=social").json()["results"]
    assert [d["text"] for d in social] == ["Meh"]
    recent = client.get("/api/v1/documents/?created_after=2025-01-15T00:00:00Z").json()
    assert recent["count"] == 2
    survey = client.get("/api/v1/documents/?kind=survey").json()["results"][0]
    assert survey["text"] == "Call [PHONE]"


@pytest.mark.parametrize(("user", "status"), [("carol", 403), ("dave", 403), ("bob", 200)])
def test_only_analysts_and_admins_read_documents(dataset, api_as, request, user, status):
    client = api_as(request.getfixturevalue(user))
    assert client.get("/api/v1/documents/").status_code == status


def test_product_managers_do_not_read_customers(dataset, carol, api_as):
    response = api_as(carol).get("/api/v1/customers/")
    assert response.status_code == 403
    assert "role" in response.json()["error"]["message"]
