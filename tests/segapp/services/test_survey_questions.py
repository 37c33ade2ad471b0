"""Survey questions at import: the question is metadata, the text is the answer alone."""

from __future__ import annotations

import pytest

from segapp.models import Document, ImportRowIssue
from segapp.services.ingest.questions import is_question_column
from segapp.services.ingest.service import ImportOptions, create_import_job, run_import_job

DOCS = (
    "customer_id,text,kind,created_at\n"
    'C-1,"[What could we do better?] the app crashes at checkout",survey,2025-02-01\n'
    'C-2,"Q: How was delivery? A: late again",survey,2025-02-02\n'
    "C-3,Love the refill pouches,review,2025-02-03\n"
    'C-4,"[What could we do better?]",survey,2025-02-04\n'
)

DOCS_WITH_QUESTION_COLUMN = (
    "customer_id,text,kind,survey_question\n"
    "C-1,more vegan options,survey,What should we stock next?\n"
    "C-2,the courier was rude,review,\n"
)


def run(path):
    job = create_import_job(
        file_type="documents",
        original_filename=path.name,
        options=ImportOptions(),
        source="test",
        path=path,
    )
    return run_import_job(job.pk)


@pytest.mark.django_db
def test_a_prompt_in_the_text_is_kept_as_the_question(write_file):
    job = run(write_file("survey.csv", DOCS))
    stored = {d.text: d.metadata.get("question") for d in Document.objects.all()}
    assert stored == {
        "the app crashes at checkout": "What could we do better?",
        "late again": "How was delivery?",
        "Love the refill pouches": None,
    }
    reasons = list(ImportRowIssue.objects.filter(job=job).values_list("reason", flat=True))
    assert reasons == ["the text holds only a survey question, no answer"]


@pytest.mark.django_db
def test_a_question_column_is_kept_under_one_key(write_file):
    run(write_file("survey.csv", DOCS_WITH_QUESTION_COLUMN))
    stored = {d.text: d.metadata for d in Document.objects.all()}
    assert stored["more vegan options"] == {"question": "What should we stock next?"}
    assert "question" not in stored["the courier was rude"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("question", True),
        ("Survey Question", True),
        ("survey_prompt", True),
        ("question_id", False),
        ("What could we do better?", False),
        ("text", False),
    ],
)
def test_question_columns_are_known_by_name(name, expected):
    assert is_question_column(name) is expected
