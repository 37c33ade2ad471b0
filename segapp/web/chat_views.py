"""The chat page: ask about the segments in plain English, see the figures, quotes and plan.

Thin doors over `services.chat.engine` (the same `ask` the API and the `ask`
command call): every role may ask, and the engine's tools decide what each role
may see (quotes need view_documents, customers explain_customers). A question is
posted with htmx, which appends the answer to the conversation, or as a plain
form post that redirects to the conversation's page, so the page works without
JavaScript. Follow-ups carry the conversation's id in the form; a conversation is
only ever shown to the user who started it (404 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from segapp.selectors.runs import RunNotFound, get_run
from segapp.services.chat import engine
from segapp.web.access import require

# Questions a person can start with, whatever the run found.
STARTERS = (
    "How many segments are there and how big are they?",
    "Which segment is the happiest?",
    "Which segment spends the most?",
    "What changed since the last run?",
)
# How much of a step's result "How I answered" shows before it cuts it short.
RESULT_CHARACTERS = 1500
# The line chart's drawing box (SVG user units) and the most bars a bar chart draws.
LINE_WIDTH, LINE_HEIGHT, MAX_BARS = 600, 150, 12


class QuestionForm(forms.Form):
    """A question, optionally continuing one of the user's conversations."""

    question = forms.CharField(
        max_length=engine.MAX_QUESTION,
        strip=True,
        error_messages={
            "required": "Type a question first.",
            "max_length": f"Questions are at most {engine.MAX_QUESTION:,} characters; "
            "ask something shorter.",
        },
    )
    conversation = forms.IntegerField(required=False, min_value=1, max_value=2**62)


@login_required
def chat_page(request: HttpRequest, conversation_id: int | None = None) -> HttpResponse:
    """The chat: a new conversation, or one of the user's earlier ones with every answer."""
    require(request, "view_runs")
    turns: list[dict[str, Any]] = []
    if conversation_id is not None:
        try:
            found = engine.history(request.user, conversation_id)
        except engine.ConversationNotFound as exc:
            raise Http404(str(exc)) from None
        turns = [_turn(m["question"], m["response"]) for m in found["messages"]]
    return _page(request, conversation_id=conversation_id, turns=turns)


@login_required
@require_POST
def chat_ask(request: HttpRequest) -> HttpResponse:
    """Ask one question: htmx gets the new exchange to append, a plain post a redirect."""
    require(request, "view_runs")
    form = QuestionForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    if not form.is_valid():
        conversation = form.cleaned_data.get("conversation")  # kept when it was valid
        return _refuse(request, _first_error(form), htmx=htmx, conversation=conversation)
    conversation = form.cleaned_data["conversation"]
    try:
        response = engine.ask(
            form.cleaned_data["question"], user=request.user, conversation_id=conversation
        )
    except engine.ConversationNotFound as exc:
        raise Http404(str(exc)) from None
    except engine.QuestionError as exc:
        return _refuse(request, str(exc), htmx=htmx, conversation=conversation)
    if not htmx:
        url = reverse("chat-thread", args=[response["conversation"]])
        return redirect(f"{url}#latest")
    turn = _turn(form.cleaned_data["question"], response)
    return render(
        request,
        "chat/_exchange.html",
        {"turn": turn, "conversation_id": response["conversation"], "swap": True},
    )


def _page(
    request: HttpRequest,
    *,
    conversation_id: int | None,
    turns: list[dict[str, Any]],
    error: str = "",
    question: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "conversation_id": conversation_id,
        "turns": turns,
        "starters": STARTERS,
        "run": _latest_run(),
        "error": error,
        "question": question,
        "max_question": engine.MAX_QUESTION,
    }
    return render(request, "chat/page.html", context, status=status)


def _refuse(
    request: HttpRequest, message: str, *, htmx: bool, conversation: int | None
) -> HttpResponse:
    """A question that cannot be asked: the reason beside the form, never a server error."""
    if htmx:  # htmx swaps 2xx answers only: the message replaces the error line
        return render(request, "chat/_error.html", {"error": message, "swap": True})
    turns = []
    if conversation is not None:
        try:
            found = engine.history(request.user, conversation)
            turns = [_turn(m["question"], m["response"]) for m in found["messages"]]
        except engine.ConversationNotFound:
            conversation = None
    question = str(request.POST.get("question", ""))[: engine.MAX_QUESTION]
    return _page(
        request,
        conversation_id=conversation,
        turns=turns,
        error=message,
        question=question,
        status=400,
    )


def _first_error(form: QuestionForm) -> str:
    for field in ("question", "conversation"):
        if form.errors.get(field):
            message = form.errors[field][0]
            return message if field == "question" else f"Conversation: {message}"
    return "That question could not be read."


def _latest_run():
    try:
        return get_run("latest")
    except RunNotFound:
        return None


def _turn(question: str, response: dict[str, Any]) -> dict[str, Any]:
    """One question and its answer, shaped for the template (the plan written out)."""
    table = response.get("table") or None
    return {
        "question": question,
        "answer": response.get("answer", ""),
        "facts": response.get("facts") or [],
        "quotes": response.get("quotes") or [],
        "suggestions": response.get("suggestions") or [],
        "table": table if table and table.get("rows") else None,
        "chart": _chart(response.get("chart")),
        "plan": [_step(step) for step in response.get("plan") or []],
        "run": response.get("run"),
        "engine": response.get("engine", "local"),
        "conversation": response.get("conversation"),
    }


def _step(step: dict[str, Any]) -> dict[str, Any]:
    """A tool call as a person reads it: tool(arg=value, ...) and its result, cut short."""
    args = step.get("args") or {}
    result = step.get("result") or {}
    written = json.dumps(result, indent=1, ensure_ascii=False, cls=DjangoJSONEncoder)
    if len(written) > RESULT_CHARACTERS:
        written = written[:RESULT_CHARACTERS].rstrip() + "\n…"
    return {
        "tool": step.get("tool", ""),
        "args": ", ".join(
            f"{key}={json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)}"
            for key, value in args.items()
            if value is not None
        ),
        "refused": result.get("refused") if isinstance(result, dict) else None,
        "result": written,
    }


def _chart(chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """The engine's small chart drawn without JavaScript: bars as widths, a line as SVG points."""
    if not chart or not chart.get("x") or len(chart.get("x")) != len(chart.get("y") or []):
        return None
    pairs = [(str(x), y) for x, y in zip(chart["x"], chart["y"], strict=True)]
    known = [float(y) for _, y in pairs if isinstance(y, int | float)]
    if not known:
        return None
    if chart.get("kind") == "line":
        return _line(chart.get("title", ""), pairs, known)
    largest = max(abs(v) for v in known) or 1.0
    bars = [
        {
            "label": label,
            "value": _short(value),
            "width": round(100 * abs(value) / largest, 1),
            "negative": value < 0,
        }
        for label, value in pairs[:MAX_BARS]
        if isinstance(value, int | float)
    ]
    return {"kind": "bar", "title": chart.get("title", ""), "bars": bars}


def _line(title: str, pairs: list[tuple[str, Any]], known: list[float]) -> dict[str, Any]:
    low, high = min(0.0, min(known)), max(known)
    span = (high - low) or 1.0
    step = LINE_WIDTH / max(1, len(pairs) - 1)
    points = [
        (round(i * step, 1), round(LINE_HEIGHT - (float(y) - low) / span * LINE_HEIGHT, 1))
        for i, (_, y) in enumerate(pairs)
        if isinstance(y, int | float)
    ]
    return {
        "kind": "line",
        "title": title,
        "points": " ".join(f"{x},{y}" for x, y in points),
        "dots": points,
        "width": LINE_WIDTH,
        "height": LINE_HEIGHT,
        "first": pairs[0][0],
        "last": pairs[-1][0],
        "high": _short(high),
        "low": _short(low),
    }


def _short(value: float) -> str:
    """A chart label: whole above 100, one decimal above 10, else two decimals."""
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
