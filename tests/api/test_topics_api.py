"""Topics over the API: representative documents for roles that may read texts, detail, 404s.

Who may see what: every role reads topics (view_runs); only alice (admin) and
bob (analyst) may read documents, so only they get the quoted texts. carol
(product manager) and dave (integration) get the same topics without texts.
"""

from __future__ import annotations

import hashlib

import pytest

from segapp.models import Customer, Document, DocumentResult, Segment, SegmentationRun, Topic

pytestmark = pytest.mark.django_db

QUOTES = {
    0: ["The parcel arrived two weeks late.", "Courier left my box in the rain."],
    1: ["Tracking said delivered but nothing came.", "Still waiting for my refund on shipping."],
    2: ["Love the plastic-free packaging!", "Great to see recycled materials."],
    3: ["Shipping was a mess from start to end."],
}


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@pytest.fixture
def topic_run(db) -> SegmentationRun:
    """Four topics (0 and 1 under 3) and two segments; see `build_topic_run`."""
    return build_topic_run()


def _add_writers(run: SegmentationRun, topic: int, *, count: int) -> None:
    """Documents of `count` other customers on the topic (never quoted)."""
    for i in range(count):
        writer = Customer.objects.get_or_create(pseudonym=_hash(f"writer-{i}"))[0]
        text = f"Another customer's words on topic {topic}, number {i}."
        document = Document.objects.create(
            customer=writer, kind="review", text=text, text_hash=_hash(text),
            content_hash=_hash(f"writer-{topic}-{i}"), original_length=len(text),
        )  # fmt: skip
        DocumentResult.objects.create(
            run=run, document=document, topic=topic, sentiment=0.0, sentiment_label="neutral"
        )


def build_topic_run() -> SegmentationRun:
    """A succeeded run with four topics and two segments, written directly (no model).

    Topics 0 and 1 (delivery, tracking) sit under the broader topic 3
    (shipping); topic 2 (packaging) stands alone. Segment 0 talks about
    delivery more than segment 1 does.
    """
    run = SegmentationRun.objects.create(status="succeeded", n_customers=2, n_documents=100)
    customer = Customer.objects.create(pseudonym=_hash("customer"))
    sizes = {0: 40, 1: 25, 2: 20, 3: 65}
    labels = {
        0: "late · delivery",
        1: "tracking · refund",
        2: "plastic-free · packaging",
        3: "shipping",
    }
    parents = {0: 3, 1: 3, 2: None, 3: None}
    for number, texts in QUOTES.items():
        ids = []
        for i, text in enumerate(texts):
            document = Document.objects.create(
                customer=customer,
                kind="review" if i == 0 else "social",
                rating=2.0 if number < 2 else 5.0,
                text=text,
                text_hash=_hash(text),
                content_hash=_hash(f"{number}-{i}-{text}"),
                original_length=len(text),
            )
            DocumentResult.objects.create(
                run=run,
                document=document,
                topic=number,
                sentiment=-0.6 if number < 2 else 0.8,
                sentiment_label="negative" if number < 2 else "positive",
            )
            ids.append(document.pk)
        _add_writers(run, number, count=10)  # k-anonymity: topics need k distinct writers
        Topic.objects.create(
            run=run,
            number=number,
            label=labels[number],
            keywords=labels[number].split(" · "),
            size=sizes[number],
            sentiment=-0.5 if number < 2 else 0.7,
            aspect_sentiment=-0.4 if number < 2 else 0.6,
            representative_documents=ids,
            parent_number=parents[number],
        )
    Segment.objects.create(
        run=run, number=0, name="Frustrated waiters", size=1, share=0.5,
        profile={"top_topics": [
            {"topic": 0, "label": labels[0], "share": 0.5, "lift": 2.0, "sentiment": -0.7},
            {"topic": 1, "label": labels[1], "share": 0.3, "lift": 1.5, "sentiment": -0.5},
        ]},
    )  # fmt: skip
    Segment.objects.create(
        run=run, number=1, name="Eco shoppers", size=1, share=0.5,
        profile={"top_topics": [
            {"topic": 2, "label": labels[2], "share": 0.6, "lift": 3.0, "sentiment": 0.8},
            {"topic": 0, "label": labels[0], "share": 0.1, "lift": 0.4, "sentiment": -0.2},
        ]},
    )  # fmt: skip
    return run


def test_topic_list_quotes_representative_documents_to_analysts(topic_run, bob, api_as):
    topics = api_as(bob).get(f"/api/v1/runs/{topic_run.pk}/topics/").json()
    assert [t["topic"] for t in topics] == [3, 0, 1, 2]  # largest first
    delivery = next(t for t in topics if t["topic"] == 0)
    assert [d["text"] for d in delivery["representative_documents"]] == QUOTES[0]
    first = delivery["representative_documents"][0]
    assert (first["kind"], first["rating"]) == ("review", 2.0)
    assert (first["sentiment"], first["sentiment_label"]) == (-0.6, "negative")
    assert delivery["representative_documents_hidden"] is False
    assert delivery["share"] == 0.4 and delivery["keywords"] == ["late", "delivery"]


@pytest.mark.parametrize("user", ["carol", "dave"])
def test_roles_without_document_access_get_topics_without_texts(topic_run, api_as, request, user):
    response = api_as(request.getfixturevalue(user)).get(f"/api/v1/runs/{topic_run.pk}/topics/")
    assert response.status_code == 200
    topics = response.json()
    assert len(topics) == 4
    assert all(t["representative_documents"] == [] for t in topics)
    assert all(t["representative_documents_hidden"] is True for t in topics)
    body = response.content.decode()
    assert not any(text in body for texts in QUOTES.values() for text in texts)


def test_topic_list_reads_all_quotes_in_a_bounded_number_of_queries(
    topic_run, bob, api_as, django_assert_max_num_queries
):
    client = api_as(bob)
    # auth and role checks, the run, the topics, all their documents, the segments
    with django_assert_max_num_queries(8):
        topics = client.get(f"/api/v1/runs/{topic_run.pk}/topics/").json()
    assert sum(len(t["representative_documents"]) for t in topics) == 7


def test_topic_detail_shows_segments_talking_about_it_most(topic_run, alice, api_as):
    topic = api_as(alice).get("/api/v1/runs/latest/topics/0/").json()
    assert topic["label"] == "late · delivery" and topic["parent_number"] == 3
    assert [(s["segment"], s["name"], s["share"], s["lift"]) for s in topic["segments"]] == [
        (0, "Frustrated waiters", 0.5, 2.0),
        (1, "Eco shoppers", 0.1, 0.4),
    ]
    assert [d["text"] for d in topic["representative_documents"]] == QUOTES[0]


def test_topic_detail_is_shaped_like_a_list_item(topic_run, bob, api_as):
    client = api_as(bob)
    listed = client.get(f"/api/v1/runs/{topic_run.pk}/topics/").json()
    detail = client.get(f"/api/v1/runs/{topic_run.pk}/topics/3/").json()
    assert detail == next(t for t in listed if t["topic"] == 3)
    assert detail["children"] == [0, 1]


def test_topic_detail_hides_texts_from_product_managers(topic_run, carol, api_as):
    topic = api_as(carol).get(f"/api/v1/runs/{topic_run.pk}/topics/2/").json()
    assert topic["label"] == "plastic-free · packaging"
    assert topic["representative_documents"] == [] and topic["representative_documents_hidden"]


def test_unknown_topic_is_404_in_the_error_shape(topic_run, bob, api_as):
    response = api_as(bob).get(f"/api/v1/runs/{topic_run.pk}/topics/99/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found" and "No topic 99" in error["message"]


def test_topics_of_an_unknown_run_are_404_in_the_error_shape(bob, api_as):
    for path in ("/api/v1/runs/999/topics/", "/api/v1/runs/999/topics/0/"):
        response = api_as(bob).get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_openapi_schema_documents_topic_quotes_and_the_hidden_flag(bob, api_as):
    response = api_as(bob).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert "/api/v1/runs/{run}/topics/{number}/" in schema["paths"]
    topic = schema["components"]["schemas"]["Topic"]["properties"]
    assert topic["representative_documents"]["type"] == "array"
    assert "representative_documents_hidden" in topic
    document = schema["components"]["schemas"]["RepresentativeDocument"]["properties"]
    assert {"id", "text", "kind", "rating", "sentiment", "sentiment_label"} <= set(document)


@pytest.mark.slow
def test_a_real_run_quotes_its_stored_documents(finished_run, bob, api_as):
    topics = api_as(bob).get(f"/api/v1/runs/{finished_run.pk}/topics/").json()
    assert topics and all(t["representative_documents"] for t in topics)
    for topic in topics:
        stored = Topic.objects.get(run=finished_run, number=topic["topic"])
        quoted = topic["representative_documents"]
        assert [d["id"] for d in quoted] == stored.representative_documents
        texts = dict(
            Document.objects.filter(pk__in=[d["id"] for d in quoted]).values_list("pk", "text")
        )
        assert all(d["text"] == texts[d["id"]] for d in quoted)
