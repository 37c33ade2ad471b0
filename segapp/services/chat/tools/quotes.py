"""The verbatims tool: redacted quotes of a segment and/or topic, of one tone, on some words.

Only roles with `view_documents` read customers' words, and only about groups
of at least k writers: a segment on a topic, a tone ("negative comments") or
words ("about delivery") narrow the group, so each is checked against k
before anything is quoted.
"""

from __future__ import annotations

from typing import Any

from segapp.selectors import personas
from segapp.services.chat import figures
from segapp.services.chat.tools.base import (
    MAX_QUOTE_LIMIT,
    QUOTE_LIMIT,
    ToolContext,
    ToolResult,
    fact,
    no_segment,
    no_topic,
    refused,
)
from segapp.services.chat.tools.documents import (
    matching_documents,
    search_words,
    topic_documents,
    topic_rows,
    writers_of,
    written_words,
)
from segapp.services.chat.tools.missing import no_such_words

TONES = ("positive", "negative")


def quotes(
    ctx: ToolContext,
    segment: int | None = None,
    topic: int | None = None,
    limit: int = QUOTE_LIMIT,
    tone: str | None = None,
    about: str | None = None,
) -> ToolResult:
    """Redacted quotes of a segment, a topic, or a segment on a topic (view_documents only);
    `tone` "positive"/"negative" keeps comments of that sentiment, strongest first, and
    `about` keeps texts holding its words (for a subject no topic covers)."""
    tone = str(tone).lower() if tone else None
    if tone is not None and tone not in TONES:
        return refused(f"Comments are positive or negative, not “{tone}”.", tone=tone)
    if not ctx.allowed("view_documents"):
        return refused(
            "Your role does not allow reading customers' words, so I can't show quotes; I can "
            "give you figures instead.",
            segment=segment,
            topic=topic,
        )
    chosen = None
    if segment is not None:
        chosen = ctx.segment(int(segment))
        if chosen is None:
            return no_segment(ctx, segment)
    if topic is not None and int(topic) not in ctx.topic_labels():
        return no_topic(ctx, topic)
    topic = None if topic is None else int(topic)
    words, shown = search_words(about), " ".join(written_words(about))
    limit = max(1, min(int(limit or QUOTE_LIMIT), MAX_QUOTE_LIMIT))
    data: dict[str, Any] = {"segment": chosen.number if chosen else None,
                            "name": chosen.name if chosen else None,
                            "topic": topic, "label": ctx.topic_label(topic)
                            if topic is not None else None,
                            "tone": tone, "about": shown or None}  # fmt: skip
    if chosen is not None and topic is None and tone is None and not words:
        found = personas.quotes_of(ctx.run, (chosen.profile or {}).get("quotes") or [])[:limit]
        found = [{"document": q["document"], "text": q["text"], "segment": chosen.number}
                 for q in found]  # fmt: skip
    else:
        asked_topic, any_words = topic, False
        too_few = _too_few_writers(ctx, chosen, topic, tone, words, data)
        if too_few is not None and topic is not None and words:
            # a topic's texts rarely hold every word of a narrower subject: the words alone
            topic, data = None, {**data, "topic": None, "label": None}
            too_few = _too_few_writers(ctx, chosen, topic, tone, words, data)
        if too_few is not None and len(words) > 1 and _each_word_written(ctx, words):
            # "renal urinary vet diets": texts holding any of the words, not all of them
            any_words = True
            too_few = _too_few_writers(ctx, chosen, topic, tone, words, data, any_words=True)
        written = too_few is None or too_few.data.get("missing") != "topic"
        if too_few is not None and asked_topic is not None and words and written:
            # words too few comments hold beside a topic found: the topic's own comments
            # (words no comment holds at all name something else: "the PawPantry podcast")
            topic, words, any_words = asked_topic, [], False
            data = {**data, "topic": topic, "label": ctx.topic_label(topic), "about": None}
            too_few = _too_few_writers(ctx, chosen, topic, tone, words, data)
        if too_few is not None:
            return too_few
        found = topic_documents(
            ctx, topic=topic, segment=chosen, tone=tone, words=words, limit=limit,
            any_words=any_words,
        )  # fmt: skip
    if not found:
        return ToolResult(data=data, refused="I found no quotes to show for that.")
    data["count"] = len(found)
    facts = [fact("Quotes shown", figures.count(len(found)))]
    return ToolResult(data=data, facts=facts, quotes=found)


def _each_word_written(ctx: ToolContext, words: list[str]) -> bool:
    """Whether some comment holds each word of a subject: a list of subjects ("renal urinary
    vet diets"), not a subject one of whose words nobody writes ("mortgage products", "car
    insurance"), whose other, common words would bring unrelated comments."""
    return all(matching_documents(ctx, words=[word]).exists() for word in words)


def _too_few_writers(
    ctx: ToolContext, chosen, topic: int | None, tone: str | None, words: list[str], data: dict,
    any_words: bool = False,
) -> ToolResult | None:  # fmt: skip
    """A refusal when the narrowed group has fewer than k writers, else None."""
    if chosen is not None and topic is not None and tone is None and not words:
        writers = topic_rows(ctx, topic).get(chosen.number, {}).get(topic)
        if writers is None or writers["writers"] < ctx.k:
            return ToolResult(
                data=data,
                refused=f"Fewer than {ctx.k} customers of “{chosen.name}” write about "
                f"{data['label']}, so I can't quote them.",
            )
        return None
    if tone is None and not words:
        return None
    found = matching_documents(
        ctx, topic=topic, segment=chosen, tone=tone, words=words, any_words=any_words
    )
    writers = writers_of(found)
    if words and writers == 0:
        return no_such_words(ctx, data.get("about") or " ".join(words), data)
    if writers < ctx.k:
        subject = data.get("about") or " ".join(words)
        parts = (tone and f"{tone} comments", words and f"about “{subject}”")
        what = " ".join(part for part in parts if part)
        who = f"customers of “{chosen.name}”" if chosen is not None else "customers"
        return ToolResult(
            data={**data, "writers": "fewer than k", "k": ctx.k},
            refused=f"Fewer than {ctx.k} {who} wrote {what}, so I can't quote them.",
        )
    data["writers"] = writers
    return None
