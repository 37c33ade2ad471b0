"""Answering one chat question: understand, plan, run the tools, compose, check, store, audit.

`ask` is what the chat page, `POST /api/v1/chat/` and `manage.py ask` call. The
answer object is {"answer", "facts", "quotes", "plan", "conversation"} plus
"intent", "engine", "run" and, when they apply, "table", "chart",
"suggestions" and "llm_fallback". The local engine needs nothing but the
embedding model VoxSeg ships (loaded once per process for questions). When
VOXSEG_CHAT_LLM_URL is set, an OpenAI-compatible model may choose the tools and
phrase the answer; its answer is used only when grounding finds every figure and
quote in its tool results, otherwise the local answer is returned with
"llm_fallback" saying why.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from segapp.models import AuditAction, ChatMessage, Conversation, RunStatus, SegmentationRun
from segapp.selectors import personas
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services import audit
from segapp.services.chat import compose, grounding, llm
from segapp.services.chat.readings import picked_words
from segapp.services.chat.subjects import settle_subject
from segapp.services.chat.tools import ToolContext, ToolError, ToolResult, refused, run_tool
from segapp.services.chat.vocabulary import build_vocabulary, vocabulary_key

logger = logging.getLogger(__name__)

MAX_QUESTION = 1000
_ENCODER: Callable | None = None
_INTERPRETERS: dict[tuple, Any] = {}
_LOCK = threading.Lock()


class ConversationNotFound(LookupError):
    """No conversation with this id belongs to the asker; message for users."""


class QuestionError(ValueError):
    """The question is empty or too long; message for users."""


# --- the question encoder and interpreters, once per process -------------------------------------


def question_encoder() -> Callable:
    """The sentence encoder for questions: VoxSeg's embedder, loaded once per process."""
    global _ENCODER
    with _LOCK:
        if _ENCODER is None:
            from nlp.embed import make_embedder

            _ENCODER = make_embedder().encode
        return _ENCODER


def _interpreter(run: SegmentationRun):
    """The run's interpreter (its vocabulary's vectors computed once), cached per run."""
    from nlp.chat.understand import Interpreter

    vocabulary = build_vocabulary(run)
    key = vocabulary_key(run)
    with _LOCK:
        found = _INTERPRETERS.get(key)
    if found is None:
        found = Interpreter(question_encoder(), vocabulary)
        with _LOCK:
            if len(_INTERPRETERS) >= 8:
                _INTERPRETERS.pop(next(iter(_INTERPRETERS)))
            _INTERPRETERS[key] = found
    return found, vocabulary


# --- asking -------------------------------------------------------------------------------------


def ask(
    question: str,
    *,
    user,
    conversation_id: int | None = None,
    run_ref: str | int = "latest",
    channel: str = "web",
) -> dict[str, Any]:
    """Answer `question` for `user` (None: the command line's operator, with every right).

    Continues conversation `conversation_id` when given (ConversationNotFound
    unless it is the user's own). Raises QuestionError for an empty or
    over-long question. Every question is stored and written to the audit log.
    """
    question = " ".join(str(question or "").split())
    if not question:
        raise QuestionError("Ask a question.")
    if len(question) > MAX_QUESTION:
        raise QuestionError(f"Questions are at most {MAX_QUESTION} characters.")
    conversation = _conversation(user, conversation_id)
    run = _run(conversation, run_ref)
    if run is None:
        reason = (
            "No segmentation run has succeeded yet, so there is nothing to answer from."
            if str(run_ref) == "latest"
            else f"There is no successful run {run_ref}."
        )
        response = _declined(reason, [])
        return _store(question, user, conversation, None, response, context=None, channel=channel)
    answered = _answer(question, user, run, (conversation.context if conversation else None))
    response, context, run = answered
    return _store(question, user, conversation, run, response, context=context, channel=channel)


def _conversation(user, conversation_id: int | None) -> Conversation | None:
    if conversation_id is None:
        return None
    owner = {"user": user} if user is not None else {"user__isnull": True}
    found = Conversation.objects.filter(pk=conversation_id, **owner).first()
    if found is None:
        raise ConversationNotFound(f"You have no conversation {conversation_id}.")
    return found


def _run(conversation: Conversation | None, run_ref: str | int) -> SegmentationRun | None:
    """The run asked about: the conversation's own run for follow-ups, else `run_ref`."""
    if (
        conversation is not None
        and str(run_ref) == "latest"
        and conversation.run is not None
        and conversation.run.status == RunStatus.SUCCEEDED
    ):
        return conversation.run
    try:
        run = get_run(run_ref)
    except RunNotFound:
        return None
    return run if run.status == RunStatus.SUCCEEDED else None


def _answer(
    question: str, user, run: SegmentationRun, context: dict | None
) -> tuple[dict[str, Any], dict | None, SegmentationRun]:
    """(response, context for the next question, run answered from)."""
    from nlp.chat.plan import Decline, make_plan, suggest_questions

    interpreter, vocabulary = _interpreter(run)
    understanding = interpreter.understand(question, (context or {}).get("understanding"))
    named = [r for r in understanding.runs if isinstance(r, int)]
    if understanding.intent != "run_change" and named and named[0] != run.pk:
        other = SegmentationRun.objects.filter(pk=named[0], status=RunStatus.SUCCEEDED).first()
        if other is None:
            reason = f"There is no successful run {named[0]}."
            return _declined(reason, suggest_questions(vocabulary)), context, run
        run = other
        interpreter, vocabulary = _interpreter(run)
        understanding = interpreter.understand(question, None)
    understanding = settle_subject(understanding, run, personas.min_group_size())
    plan = make_plan(understanding, vocabulary)
    saved = {"understanding": understanding.to_dict(), "run": run.pk}
    if isinstance(plan, Decline):
        response = _declined(plan.reason, plan.suggestions)
        response["intent"] = understanding.intent
        return _with_run(response, run), saved, run
    ctx = ToolContext(run=run, user=user, k=personas.min_group_size())
    steps = [
        (step.tool, dict(step.args), _execute(ctx, step.tool, step.args)) for step in plan.steps
    ]
    _name_the_segments(steps, vocabulary)
    response = _response(steps, intent=plan.intent)
    if all(result.refused for _, _, result in steps) and not response.get("suggestions"):
        response["suggestions"] = suggest_questions(vocabulary)
    evidence: list[Any] = [r for _, _, r in steps]
    if any(result.refused for _, _, result in steps):
        evidence.append(_refusal_evidence(question, ctx, steps, vocabulary))
    problems = grounding.check(response["answer"], response["quotes"], evidence)
    if problems:  # a bug in composing, never shown as fact: say so instead
        logger.error("chat answer not grounded (%s): %s", plan.intent, problems)
        response["answer"] = "I could not put that answer together reliably, so I won't guess."
    said = picked_words(understanding.picks, vocabulary)
    if said:  # "the happiest customers": which segment that was read as, and why
        response["answer"] = f"{said} {response['answer']}"
    if llm.configured():
        response = _try_llm(question, ctx, vocabulary, response)
    saved["understanding"]["result_segments"] = _result_entities(steps, "segment")
    saved["understanding"]["result_topics"] = _result_entities(steps, "topic")
    return _with_run(response, run), saved, run


def _refusal_evidence(
    question: str, ctx: ToolContext, steps: list[tuple[str, dict, ToolResult]], vocabulary
) -> dict[str, Any]:
    """What a refusal may cite besides tool data: the question's own numbers, the step
    arguments, the run, k and the run's segment numbers (never a computed figure)."""
    return {
        "data": {
            "question": grounding.numbers_in(question),
            "args": [args for _, args, result in steps if result.refused],
            "run": ctx.run.pk,
            "k": ctx.k,
            "segments": [s.number for s in vocabulary.segments],
        },
        "facts": [],
        "quotes": [],
        "table": None,
    }


def _name_the_segments(steps: list[tuple[str, dict, ToolResult]], vocabulary) -> None:
    """A refusal about a segment the run lacks also says which segments there are."""
    numbers = sorted(s.number for s in vocabulary.segments)
    if not numbers:
        return
    known = set(numbers)
    for _, _, result in steps:
        asked = result.data.get("segment") if result.refused else None
        if isinstance(asked, int) and asked not in known and "segments are" not in result.refused:
            span = (
                f"{numbers[0]}-{numbers[-1]}"
                if numbers == list(range(numbers[0], numbers[-1] + 1))
                else ", ".join(str(n) for n in numbers)
            )
            result.refused = f"{result.refused.rstrip('.')}; segments are {span}."
            result.data.setdefault("segments", numbers)


def _execute(ctx: ToolContext, tool: str, args: dict[str, Any]) -> ToolResult:
    """Run one planned step; a failure is logged and becomes a plain refusal, never a 500."""
    try:
        return run_tool(ctx, tool, args)
    except ToolError as exc:
        logger.error("chat tool call failed: %s", exc)
    except Exception:
        logger.exception("chat tool %s failed", tool)
    return refused("I could not work that out (the error was logged).")


def _response(steps: list[tuple[str, dict, ToolResult]], *, intent: str) -> dict[str, Any]:
    facts, quotes, seen = [], [], set()
    table = None
    for _, _, result in steps:
        facts.extend(result.facts)
        table = table or result.table
        for quote in result.quotes:
            if quote["document"] not in seen:
                seen.add(quote["document"])
                quotes.append(quote)
    response: dict[str, Any] = {
        "answer": compose.compose(steps),
        "facts": facts,
        "quotes": quotes,
        "plan": [{"tool": t, "args": a, "result": r.summary()} for t, a, r in steps],
        "intent": intent,
        "engine": "local",
    }
    if table:
        response["table"] = table
    offered = [s for _, _, result in steps for s in result.suggestions]
    if offered:  # what a refusal offers instead of something that does not exist
        response["suggestions"] = list(dict.fromkeys(offered))
    chart = _chart(steps)
    if chart:
        response["chart"] = chart
    return response


def _chart(steps: list[tuple[str, dict, ToolResult]]) -> dict[str, Any] | None:
    """A small chart where one helps: a ranking as bars, a trend as a line."""
    for tool, _, result in steps:
        if result.refused:
            continue
        data = result.data
        if tool == "rank_segments":
            return {"kind": "bar", "title": data["label"],
                    "x": [r["name"] for r in data["ranking"]],
                    "y": [r["value"] for r in data["ranking"]]}  # fmt: skip
        if tool == "topic_trend":
            key = "sentiment" if data["measure"] == "sentiment" else "documents"
            return {"kind": "line", "title": f"{data['label']}: {key} per month",
                    "x": [m["month"] for m in data["months"]],
                    "y": [m[key] for m in data["months"]]}  # fmt: skip
        if tool == "overview":
            return {"kind": "bar", "title": "Customers per segment",
                    "x": [s["name"] for s in data["sizes"]],
                    "y": [s["size"] for s in data["sizes"]]}  # fmt: skip
    return None


def _result_entities(steps: list[tuple[str, dict, ToolResult]], key: str) -> list[int]:
    """The segments (or topics) the answer was about, in its order (a ranking's order)."""
    found: list[int] = []
    for tool, args, result in steps:
        data = result.data
        if key == "segment" and tool == "rank_segments" and data.get("ranking"):
            numbers = [r["segment"] for r in data["ranking"]]
            chosen = data.get("answer")
            ordered = ([chosen] if chosen is not None else []) + numbers
        elif key == "segment" and tool == "compare_segments":
            ordered = [int(n) for n in args.get("segments") or []]
        elif key == "segment" and tool == "topic_where":
            ordered = [r["segment"] for r in data.get("ranking") or []]
        else:
            value = data.get(key, args.get(key))
            ordered = [value] if isinstance(value, int) and not isinstance(value, bool) else []
        found.extend(n for n in ordered if n not in found)
    return found


def _declined(reason: str, suggestions: list[str]) -> dict[str, Any]:
    return {
        "answer": reason,
        "facts": [],
        "quotes": [],
        "plan": [],
        "suggestions": list(suggestions),
        "intent": "unsupported",
        "engine": "local",
    }


def _with_run(response: dict[str, Any], run: SegmentationRun) -> dict[str, Any]:
    response["run"] = run.pk
    return response


# --- the optional LLM backend ---------------------------------------------------------------------


def _try_llm(question: str, ctx: ToolContext, vocabulary, local: dict[str, Any]) -> dict[str, Any]:
    """The LLM's grounded answer, or the local one with "llm_fallback" saying why not."""
    try:
        backend = llm.LLMBackend.from_env()
        calls = backend.choose_tools(question, vocabulary)
        steps = []
        for name, args in calls:
            try:
                steps.append((name, args, run_tool(ctx, name, args)))
            except ToolError as exc:
                raise llm.LLMFailure(f"invalid tool call: {exc}") from None
        text = backend.phrase(question, [(n, a, r.summary(), r.facts) for n, a, r in steps])
        answer = _response(steps, intent=local.get("intent", ""))
        problems = grounding.check(text, answer["quotes"], [r for _, _, r in steps])
        if problems:
            raise llm.LLMFailure("ungrounded answer: " + "; ".join(problems[:3]))
    except llm.LLMFailure as exc:
        logger.warning("chat LLM answer not used: %s", exc)
        return {**local, "llm_fallback": str(exc)}
    answer["answer"] = text
    answer["engine"] = "llm"
    return answer


# --- storing and auditing -----------------------------------------------------------------------


def _store(
    question: str,
    user,
    conversation: Conversation | None,
    run: SegmentationRun | None,
    response: dict[str, Any],
    *,
    context: dict | None,
    channel: str,
) -> dict[str, Any]:
    """Save the message and the follow-up context, write the audit entry, return the response."""
    response = json.loads(json.dumps(response, cls=DjangoJSONEncoder))
    question, context = _without_external_ids(question, response, context)
    with transaction.atomic():
        if conversation is None:
            conversation = Conversation.objects.create(user=user, run=run, context=context or {})
        else:
            conversation.context = context or conversation.context
            conversation.run = run or conversation.run
            conversation.save(update_fields=["context", "run", "updated_at"])
        response["conversation"] = conversation.pk
        ChatMessage.objects.create(conversation=conversation, question=question, response=response)
        customer = next(  # the pseudonym, also when the question gave the integrator's own id
            (
                s["result"].get("customer") or s["args"].get("customer")
                for s in response["plan"]
                if s["tool"] == "customer_why"
            ),
            None,
        )
        audit.record(
            user,
            AuditAction.CHAT_QUESTION,
            customer or (f"run {run.pk}" if run else "chat"),
            channel=channel,
            question=question,
            conversation=conversation.pk,
            run=run.pk if run else None,
            intent=response.get("intent"),
            tools=[s["tool"] for s in response["plan"]],
            rows=len(response["facts"]) + len((response.get("table") or {}).get("rows") or []),
            quotes=len(response["quotes"]),
            customer=customer,
            engine=response.get("engine"),
        )
    return response


def _without_external_ids(
    question: str, response: dict[str, Any], context: dict | None
) -> tuple[str, dict | None]:
    """The question, response and follow-up context as kept: a customer named by the shop's
    own id is kept by pseudonym only (the id is personal data VoxSeg never stores)."""
    for step in response.get("plan") or []:
        if step.get("tool") != "customer_why" or step["result"].get("given_as") != "external_id":
            continue
        given = str(step["args"].get("customer") or "").strip()
        pseudonym = str(step["result"].get("customer") or "")
        if not given or not pseudonym:
            continue
        written = f"customer {pseudonym[:12]}…"
        question = re.sub(re.escape(given), written, question, flags=re.I)
        step["args"]["customer"] = pseudonym
        understanding = (context or {}).get("understanding") or {}
        if str(understanding.get("customer") or "").strip().lower() == given.lower():
            understanding["customer"] = pseudonym
    return question, context


def history(user, conversation_id: int) -> dict[str, Any]:
    """A conversation of `user` with every question and answer, oldest first."""
    found = _conversation(user, conversation_id)
    assert found is not None
    return {
        "conversation": found.pk,
        "run": found.run_id,
        "created_at": found.created_at,
        "messages": [
            {"question": m.question, "response": m.response, "created_at": m.created_at}
            for m in found.messages.order_by("id")
        ],
    }
