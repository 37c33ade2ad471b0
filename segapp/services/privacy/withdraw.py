"""Taking customers and documents out of runs that were computed with them.

Shared by opt-out, erasure and retention. What goes from existing runs:
memberships (and with them map positions and explanations, which are computed
from memberships at read time), document results, persona quotes and
representative customers in `Segment.profile`, representative documents in
`Topic.representative_documents`, and chat answers that quoted or named them.
What stays: the runs' stored aggregates (segment sizes and shares, topic sizes
and sentiment, feature means), which are marked by `customers_withdrawn` and
`privacy_changed_at` as counting people withdrawn since. Runs are not refitted.

Every function here is idempotent: running it again after a crash finds
nothing more to do for what it already finished.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from segapp.models import (
    ChatMessage,
    Conversation,
    Customer,
    Document,
    DocumentResult,
    Embedding,
    Membership,
    Segment,
    SegmentationRun,
    Topic,
)

REMOVED_ANSWER = (
    "This answer was removed: it quoted or named a customer who has since opted out or been erased."
)
_MIN_TEXT_MATCH = 24  # shorter texts are matched through quote document ids only


def withdraw_customers(customer_ids: Iterable[int]) -> Counter:
    """Take these customers out of every existing run; return counts of what was removed."""
    ids = sorted({int(i) for i in customer_ids})
    counts: Counter = Counter()
    if not ids:
        return counts
    pseudonyms = set(Customer.objects.filter(pk__in=ids).values_list("pseudonym", flat=True))
    documents = list(Document.objects.filter(customer_id__in=ids).values_list("pk", "text"))
    doc_ids = {pk for pk, _ in documents}
    with transaction.atomic():
        memberships = Membership.objects.filter(customer_id__in=ids)
        # a run's sizes count only the customers it was fitted on: those placed after it
        # leave its member lists without being counted as withdrawn from its sizes
        per_run = Counter(
            memberships.filter(assigned_after_fit=False).values_list("run_id", flat=True)
        )
        placed_after = set(
            memberships.filter(assigned_after_fit=True).values_list("run_id", flat=True)
        )
        counts["memberships"] = memberships.delete()[0]
        counts["document_results"] = DocumentResult.objects.filter(
            document_id__in=doc_ids
        ).delete()[0]
        counts += scrub_references(doc_ids, pseudonyms, [text for _, text in documents])
        mark_runs(per_run, touched=placed_after)
    return counts


def withdraw_documents(document_ids: Iterable[int]) -> Counter:
    """Take these documents out of every existing run (results, quotes, chat answers)."""
    doc_ids = {int(i) for i in document_ids}
    counts: Counter = Counter()
    if not doc_ids:
        return counts
    texts = list(Document.objects.filter(pk__in=doc_ids).values_list("text", flat=True))
    with transaction.atomic():
        runs = set(
            DocumentResult.objects.filter(document_id__in=doc_ids).values_list("run_id", flat=True)
        )
        counts["document_results"] = DocumentResult.objects.filter(
            document_id__in=doc_ids
        ).delete()[0]
        counts += scrub_references(doc_ids, set(), texts)
        mark_runs(Counter(), touched=runs)
    return counts


def scrub_references(doc_ids: set[int], pseudonyms: set[str], texts: Iterable[str] = ()) -> Counter:
    """Remove these documents and customers from stored profiles, topics and chat answers."""
    counts: Counter = Counter()
    counts["segment_profiles"] = _scrub_profiles(doc_ids, pseudonyms)
    counts["topics"] = _scrub_topics(doc_ids)
    counts["chat_messages"] = _scrub_chat(doc_ids, pseudonyms, texts)
    return counts


def mark_runs(customers_per_run: Counter, *, touched: Iterable[int] = ()) -> None:
    """Record on each run how many customers left it and that its data changed now."""
    now = timezone.now()
    for run_id, n in customers_per_run.items():
        SegmentationRun.objects.filter(pk=run_id).update(
            customers_withdrawn=F("customers_withdrawn") + n, privacy_changed_at=now
        )
    others = set(touched) - set(customers_per_run)
    if others:
        SegmentationRun.objects.filter(pk__in=others).update(privacy_changed_at=now)


def delete_orphan_embeddings(text_hashes: Iterable[str]) -> int:
    """Delete the vectors of these texts that no remaining document has; return how many."""
    hashes = set(text_hashes)
    if not hashes:
        return 0
    still_used = set(
        Document.objects.filter(text_hash__in=hashes).values_list("text_hash", flat=True)
    )
    return Embedding.objects.filter(text_hash__in=hashes - still_used).delete()[0]


def _scrub_profiles(doc_ids: set[int], pseudonyms: set[str]) -> int:
    changed = 0
    for segment in Segment.objects.only("pk", "profile").iterator(chunk_size=500):
        profile = segment.profile or {}
        quotes = profile.get("quotes") or []
        representatives = profile.get("representative_customers") or []
        kept_quotes = [q for q in quotes if int(q) not in doc_ids]
        kept_representatives = [p for p in representatives if p not in pseudonyms]
        if len(kept_quotes) != len(quotes) or len(kept_representatives) != len(representatives):
            profile = {
                **profile,
                "quotes": kept_quotes,
                "representative_customers": kept_representatives,
            }
            Segment.objects.filter(pk=segment.pk).update(profile=profile)
            changed += 1
    return changed


def _scrub_topics(doc_ids: set[int]) -> int:
    changed = 0
    for topic in Topic.objects.only("pk", "representative_documents").iterator(chunk_size=500):
        documents = topic.representative_documents or []
        kept = [d for d in documents if int(d) not in doc_ids]
        if len(kept) != len(documents):
            Topic.objects.filter(pk=topic.pk).update(representative_documents=kept)
            changed += 1
    return changed


def _scrub_chat(doc_ids: set[int], pseudonyms: set[str], texts: Iterable[str]) -> int:
    """Replace stored chat answers that quoted these documents or named these customers."""
    needles = [t for t in {(t or "").strip() for t in texts} if len(t) >= _MIN_TEXT_MATCH]
    needles += sorted(pseudonyms)
    changed = 0
    for message in ChatMessage.objects.only("pk", "question", "response").iterator(chunk_size=500):
        response = message.response or {}
        quoted = any(
            isinstance(q, dict) and q.get("document") in doc_ids
            for q in response.get("quotes") or []
        )
        dumped = json.dumps(response, ensure_ascii=False, default=str)
        named = any(n in dumped or n in message.question for n in needles)
        if quoted or named:
            question = message.question
            for pseudonym in pseudonyms:
                question = question.replace(pseudonym, "[erased customer]")
            ChatMessage.objects.filter(pk=message.pk).update(
                question=question,
                response={"answer": REMOVED_ANSWER, "facts": [], "quotes": [], "plan": []},
            )
            changed += 1
    for conversation in Conversation.objects.only("pk", "context").iterator(chunk_size=500):
        dumped = json.dumps(conversation.context or {}, ensure_ascii=False, default=str)
        if any(p in dumped for p in pseudonyms):
            Conversation.objects.filter(pk=conversation.pk).update(context={})
            changed += 1
    return changed
