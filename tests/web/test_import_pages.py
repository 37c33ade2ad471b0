"""Import pages: upload → preview (roles, type, problems) → import; discard; retry; who reads what.

Who may do what (tests/conftest.py): alice (admin) everything; bob (analyst) imports and
reads texts; carol (product manager) reads jobs but never values from the files; dave
(integration) imports but never reads texts.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from segapp.models import Document, ImportJob, ImportStatus
from segapp.services.ingest.options import ImportOptions
from segapp.services.ingest.service import create_import_job, run_import_job

pytestmark = pytest.mark.django_db

REVIEWS = (
    b"user_id,review_text,stars,email\n"
    b'U1,"Lovely mug, the glaze is even and it arrived two days early",5,u1@example.com\n'
    b"U2,Broke after a week of normal use and support never answered,1,u2@example.com\n"
    b'U3,"Good value for the price, though the handle gets hot",4,u3@example.com\n'
)
ORDERS = b"customer,order_date,total,note\n" + b"".join(
    f"C{i % 4},2025-03-{1 + i % 27:02d},{10 + i}.50,gift wrap please\n".encode() for i in range(24)
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path) -> Path:
    """A data folder of this test alone, so that its uploads can be counted."""
    settings.VOXSEG_DATA_DIR = tmp_path / "data"
    return settings.VOXSEG_DATA_DIR


def upload(client, content=REVIEWS, name="reviews.csv", file_type=""):
    return client.post(
        "/imports/new/", {"file": SimpleUploadedFile(name, content), "file_type": file_type}
    )


def uploads(data_dir: Path) -> list[Path]:
    folder = data_dir / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


def picker_form(page: str) -> dict[str, list[str]]:
    """The preview form's column lists as the page renders them (what a browser would post)."""
    import re

    form: dict[str, list[str]] = {"column": [], "role": [], "shown": [], "chosen": []}
    for cell in re.findall(r'<td class="role-[^"]*" data-column=.*?</td>', page, re.S):
        form["column"].append(re.search(r'name="column" value="([^"]*)"', cell).group(1))
        form["shown"].append(re.search(r'name="shown" value="([^"]*)"', cell).group(1))
        form["chosen"].append(re.search(r'name="chosen" value="([^"]*)"', cell).group(1))
        form["role"].append(re.search(r'<option value="([^"]*)" selected>', cell).group(1))
    return form


def with_role(form: dict[str, list[str]], column: str, role: str) -> dict[str, list[str]]:
    changed = {key: list(values) for key, values in form.items()}
    changed["role"][changed["column"].index(column)] = role
    return changed


def post_preview(client, job, form, *, htmx=True, **fields):
    data = {"file_type": "documents", "shown_type": "documents", **form, **fields}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/imports/{job.pk}/preview/", data, **headers)


# --- upload and preview -----------------------------------------------------------------


def test_upload_keeps_a_draft_and_opens_its_preview_without_importing(client, bob, data_dir):
    client.force_login(bob)
    response = upload(client)
    job = ImportJob.objects.get()
    preview_url = f"/imports/{job.pk}/preview/?guessed=1"  # guessed: the page says why
    assert response.status_code == 302 and response["Location"] == preview_url
    assert job.status == ImportStatus.DRAFT and job.file_type == "documents"  # guessed
    assert len(uploads(data_dir)) == 1 and Document.objects.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "Check the columns" in page and "Nothing is imported yet" in page
    assert page.count('name="role"') == 4  # a picker per column
    form = picker_form(page)
    assert dict(zip(form["column"], form["role"], strict=True)) == {
        "user_id": "customer_id",
        "review_text": "text",
        "stars": "rating",
        "email": "drop",
    }
    assert "Guessed: documents" in page and "review_text" in page  # the guess, and why
    assert "Broke after a week of normal use" in page  # first rows, redacted as stored
    assert "u1@example.com" not in page  # an identifier column's values are never shown
    assert 'data-testid="import-button"' in page and "disabled" not in _import_button(page)


def _import_button(page: str) -> str:
    start = page.index('data-testid="import-button"')
    return page[start : page.index(">", start)]


def test_preview_suggests_events_for_several_rows_per_customer_with_a_date(client, bob):
    client.force_login(bob)
    upload(client, ORDERS, "orders.csv", file_type="documents")
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/preview/").content.decode()
    assert 'data-testid="suggestion"' in page
    assert 'name="switch_type" value="events"' in page
    form = picker_form(page)
    switched = post_preview(client, job, form, switch_type="events").content.decode()
    assert switched.strip().startswith('<form id="preview-form"')  # htmx: the form alone
    assert 'data-file-type="events"' in switched and 'data-testid="suggestion"' not in switched
    switched_form = picker_form(switched)
    roles = dict(zip(switched_form["column"], switched_form["role"], strict=True))
    assert roles["order_date"] == "created_at" and roles["total"] == "amount"
    job.refresh_from_db()
    assert job.file_type == "events"  # a reload shows the switched type


def test_a_customers_file_with_several_rows_per_customer_can_be_combined(client, bob):
    client.force_login(bob)
    snapshots = b"customer_id,orders,spend\n" + b"".join(
        f"C{i % 5},{i},{i * 10}.0\n".encode() for i in range(20)
    )
    upload(client, snapshots, "snapshots.csv", file_type="customers")
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/preview/").content.decode()
    assert 'data-testid="problems"' in page and 'name="aggregate"' in page
    form = picker_form(page)
    fields = {"file_type": "customers", "shown_type": "customers", "aggregate": "latest"}
    combined = client.post(
        f"/imports/{job.pk}/preview/", {**form, **fields}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'data-testid="problems"' not in combined and "disabled" not in _import_button(combined)
    job.refresh_from_db()
    assert job.options["aggregate"] == "latest"


def test_changing_a_role_rerenders_the_preview_and_a_missing_customer_id_blocks_import(client, bob):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    form = picker_form(client.get(f"/imports/{job.pk}/preview/").content.decode())
    page = post_preview(client, job, with_role(form, "user_id", "metadata")).content.decode()
    form = picker_form(page)  # with no id column left, the e-mail column would be the key
    assert dict(zip(form["column"], form["role"], strict=True))["email"] == "customer_id"
    assert "the e-mail address is the only key" in page
    no_id = with_role(form, "email", "drop")
    page = post_preview(client, job, no_id).content.decode()
    assert 'data-testid="problems"' in page and "No customer id column" in page
    assert "disabled" in _import_button(page)
    assert page.count("Your choice.") == 2
    refused = post_preview(client, job, picker_form(page), htmx=False, action="import")
    assert refused.status_code == 400 and "No customer id column" in refused.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.DRAFT


def test_a_delimiter_that_splits_nothing_blocks_import_and_resets_the_choices(client, bob):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    form = with_role(picker_form(client.get(f"/imports/{job.pk}/preview/").content.decode()),
                     "stars", "metadata")  # fmt: skip
    page = post_preview(client, job, form, delimiter=";").content.decode()
    assert "your column choices were reset" in page
    assert 'data-testid="problems"' in page and "disabled" in _import_button(page)
    assert picker_form(page)["column"] == ["user_id,review_text,stars,email"]


def test_import_queues_the_draft_with_the_roles_chosen(
    client, bob, eager_celery, django_capture_on_commit_callbacks, data_dir
):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    form = picker_form(client.get(f"/imports/{job.pk}/preview/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = post_preview(
            client, job, with_role(form, "stars", "metadata"), htmx=False, action="import"
        )
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.rows_imported == 3
    roles = {item["column"]: item["role"] for item in job.column_roles}
    assert roles["stars"] == "metadata" and roles["email"] == "dropped"
    assert {d.rating for d in Document.objects.all()} == {None}
    assert {d.metadata["stars"] for d in Document.objects.all()} == {"5", "1", "4"}
    assert uploads(data_dir) == []  # a succeeded job deletes its upload at once
    page = client.get(response["Location"]).content.decode()
    assert "queued: reviews.csv" in page and "Succeeded" in page


def test_a_confirmed_draft_cannot_be_imported_twice(client, bob):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    form = picker_form(client.get(f"/imports/{job.pk}/preview/").content.decode())
    post_preview(client, job, form, htmx=False, action="import")
    assert client.get(f"/imports/{job.pk}/preview/")["Location"] == f"/imports/{job.pk}/"
    again = post_preview(client, job, form, htmx=False, action="import")
    assert again.status_code == 404 and "no longer a draft" in again.content.decode()


def test_discard_deletes_the_draft_and_its_file(client, bob, data_dir):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    response = client.post(f"/imports/{job.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == "/imports/new/"
    assert not ImportJob.objects.exists() and uploads(data_dir) == []
    assert "nothing was imported" in client.get("/imports/new/").content.decode()


def test_a_draft_deleted_while_its_page_is_open_sends_the_page_back_to_the_upload(client, bob):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    form = picker_form(client.get(f"/imports/{job.pk}/preview/").content.decode())
    client.post(f"/imports/{job.pk}/discard/")
    response = post_preview(client, job, form)
    assert response["HX-Redirect"] == "/imports/new/"
    assert "Upload the file again" in client.get("/imports/new/").content.decode()


def test_drafts_left_longer_than_the_limit_go_at_the_next_upload(client, bob, data_dir, settings):
    settings.VOXSEG_DRAFT_UPLOAD_HOURS = 24
    client.force_login(bob)
    upload(client)
    old = ImportJob.objects.get()
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    upload(client, ORDERS, "orders.csv")
    assert list(ImportJob.objects.values_list("original_filename", flat=True)) == ["orders.csv"]
    assert len(uploads(data_dir)) == 1


def test_a_binary_file_is_refused_at_upload_and_nothing_is_kept(client, bob, data_dir):
    client.force_login(bob)
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png")
    assert response.status_code == 400 and "PNG image" in response.content.decode()
    assert not ImportJob.objects.exists() and uploads(data_dir) == []


def test_other_peoples_drafts_are_neither_listed_nor_opened(client, bob, make_user, alice):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    client.force_login(make_user("erin", "analyst"))
    assert "reviews.csv" not in client.get("/imports/").content.decode()
    assert client.get(f"/imports/{job.pk}/preview/").status_code == 403
    assert client.post(f"/imports/{job.pk}/discard/").status_code == 403
    client.force_login(alice)
    assert client.get(f"/imports/{job.pk}/preview/").status_code == 200


def test_product_manager_can_neither_upload_nor_preview(client, bob, carol):
    client.force_login(bob)
    upload(client)
    job = ImportJob.objects.get()
    client.force_login(carol)
    assert client.get("/imports/new/").status_code == 403
    assert client.get(f"/imports/{job.pk}/preview/").status_code == 403


# --- failed jobs and retries --------------------------------------------------------------


@pytest.fixture
def failed_job(bob, data_dir):
    """A documents upload whose customer id column has a name VoxSeg does not know."""
    content = b"who,comment\nA,Nice and sturdy\nB,Handle broke\n"
    job = create_import_job(
        file_type="documents",
        original_filename="comments.csv",
        options=ImportOptions(mapping={"text": "comment"}),
        source="ui",
        upload=SimpleUploadedFile("comments.csv", content),
        user=bob,
    )
    run_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED, job.error_message
    return job


def test_a_failed_job_keeps_its_upload_and_offers_a_retry(client, bob, failed_job, data_dir):
    client.force_login(bob)
    assert len(uploads(data_dir)) == 1
    page = client.get(f"/imports/{failed_job.pk}/").content.decode()
    assert "Fix the mapping and retry" in page and "no need to upload it again" in page
    retry_page = client.get(f"/imports/{failed_job.pk}/retry/").content.decode()
    assert "Fix the mapping and retry" in retry_page
    form = picker_form(retry_page)
    chosen = dict(zip(form["column"], form["chosen"], strict=True))
    assert chosen == {"who": "", "comment": "1"}  # the old mapping, shown as chosen


def test_retry_with_a_corrected_role_imports_on_the_kept_file(
    client, bob, failed_job, eager_celery, django_capture_on_commit_callbacks, data_dir
):
    client.force_login(bob)
    form = picker_form(client.get(f"/imports/{failed_job.pk}/retry/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/imports/{failed_job.pk}/retry/",
            {
                "file_type": "documents",
                "shown_type": "documents",
                **with_role(form, "who", "customer_id"),
                "action": "import",
            },
        )
    retry = ImportJob.objects.get(retry_of=failed_job)
    assert response.status_code == 302 and response["Location"] == f"/imports/{retry.pk}/"
    retry.refresh_from_db()
    assert retry.status == ImportStatus.SUCCEEDED and retry.rows_imported == 2
    assert retry.column_mapping["customer_id"] == "who"
    assert uploads(data_dir) == []  # the retry took the file over and deleted it when done
    assert "Retry of" in client.get(f"/imports/{retry.pk}/").content.decode()
    old_page = client.get(f"/imports/{failed_job.pk}/").content.decode()
    assert f"import #{retry.pk}" in old_page and "Fix the mapping and retry" not in old_page


def test_a_succeeded_job_cannot_be_retried(client, bob, failed_job):
    ImportJob.objects.filter(pk=failed_job.pk).update(status=ImportStatus.SUCCEEDED)
    client.force_login(bob)
    response = client.get(f"/imports/{failed_job.pk}/retry/", follow=True)
    assert "only a failed import can be retried" in response.content.decode()


def test_kept_uploads_of_failed_jobs_expire(client, bob, failed_job, data_dir, settings):
    from segapp.services.privacy import retention

    settings.VOXSEG_DRAFT_UPLOAD_HOURS = 24
    ImportJob.objects.filter(pk=failed_job.pk).update(
        finished_at=timezone.now() - timedelta(hours=30)
    )
    receipt = retention.enforce(channel="test")
    assert receipt.counts["failed_import_uploads"] == 1
    assert uploads(data_dir) == []
    client.force_login(bob)
    page = client.get(f"/imports/{failed_job.pk}/").content.decode()
    assert "Fix the mapping and retry" not in page
    response = client.get(f"/imports/{failed_job.pk}/retry/", follow=True)
    assert "upload it again" in response.content.decode()


# --- who reads the values quoted in row issues ----------------------------------------------


@pytest.fixture
def job_with_issues(bob, eager_celery, django_capture_on_commit_callbacks):
    content = b"customer_id,text,rating\nA,Fine,5\nB,Good,five stars\n"
    job = create_import_job(
        file_type="documents",
        original_filename="ratings.csv",
        options=ImportOptions(),
        source="ui",
        upload=SimpleUploadedFile("ratings.csv", content),
        user=bob,
    )
    run_import_job(job.pk)
    return job


def test_analysts_read_the_quoted_values_of_row_issues(client, bob, job_with_issues):
    client.force_login(bob)
    page = client.get(f"/imports/{job_with_issues.pk}/").content.decode()
    assert "rating &#x27;five stars&#x27; is not a number" in page
    report = b"".join(client.get(f"/imports/{job_with_issues.pk}/report.csv").streaming_content)
    assert b"'five stars'" in report


def test_product_managers_read_row_issues_without_the_values(client, carol, job_with_issues):
    client.force_login(carol)
    page = client.get(f"/imports/{job_with_issues.pk}/").content.decode()
    assert "rating [value] is not a number" in page and "five stars" not in page
    report = b"".join(client.get(f"/imports/{job_with_issues.pk}/report.csv").streaming_content)
    assert b"rating [value] is not a number" in report and b"five stars" not in report
