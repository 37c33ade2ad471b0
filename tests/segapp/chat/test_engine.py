"""The chat engine end to end over a real run: understanding (nlp.chat, real embedder), plan,
tools, answer; conversations per user, the audit log, roles, and the optional LLM backend
against a scripted OpenAI-compatible server on localhost."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from segapp.models import AuditEvent, ChatMessage, Document, Membership, Segment
from segapp.selectors import personas
from segapp.services.chat import engine, grounding
from tests.segapp.chat import shared

pytestmark = pytest.mark.django_db
chat_run = shared.chat_run  # the module's real run (a fixture)

QUESTIONS = [
    "How many segments are there?",
    "Which segment is the largest?",
    "Which segment spends the most?",
    "Which segments have the highest return rate?",
    "Compare segment 1 and segment 2",
    "What drives negative sentiment in segment 4?",
    "How many customers in segment 2 spent over 500?",
    "Show me quotes from segment 3",
    "Where does organic cotton come up most?",
    "How has talk about price changed over time?",
    "What changed since the last run?",
    "What is the weather in Paris tomorrow?",
]


def assert_grounded(response: dict) -> None:
    """Every figure of the answer is in the plan's results or facts; quotes are stored texts."""
    evidence = [{"data": step["result"]} for step in response["plan"]]
    evidence.append({"data": {}, "facts": response["facts"], "table": response.get("table")})
    quotes = [q for q in response["quotes"]]
    evidence.append({"data": {}, "quotes": quotes})
    assert grounding.check(response["answer"], quotes, evidence) == [], response["answer"]
    for quote in quotes:
        assert Document.objects.get(pk=quote["document"]).text == quote["text"]


def by_size(run):
    shown = [s for s in Segment.objects.filter(run=run) if not personas.is_small(s)]
    return sorted(shown, key=lambda s: (-s.size, s.number))


def test_the_answer_object_has_the_contract_fields(chat_run, bob):
    response = engine.ask("Which segment is the largest?", user=bob)
    assert {"answer", "facts", "quotes", "plan", "conversation"} <= set(response)
    step = response["plan"][0]
    assert step["tool"] == "rank_segments" and step["args"]["measure"] == "size"
    assert step["result"]["answer"] == by_size(chat_run)[0].number
    assert response["run"] == chat_run.pk and response["engine"] == "local"


def test_a_segment_named_by_its_place_is_said_before_the_answer(chat_run, bob):
    response = engine.ask("Tell me about the second largest group", user=bob)
    second = by_size(chat_run)[1]
    assert response["answer"].startswith(
        f"Reading “the second largest group” as “{second.name}”, the second largest segment."
    )
    assert response["plan"][0]["args"]["segment"] == second.number
    assert_grounded(response)


def test_every_answer_is_grounded(chat_run, bob):
    for question in QUESTIONS:
        assert_grounded(engine.ask(question, user=bob))


def test_follow_ups_continue_the_conversation(chat_run, bob):
    first = engine.ask("Which segment is the largest?", user=bob)
    second = engine.ask("and the second largest?", user=bob, conversation_id=first["conversation"])
    assert second["conversation"] == first["conversation"]
    assert second["plan"][0]["result"]["answer"] == by_size(chat_run)[1].number
    assert ChatMessage.objects.filter(conversation_id=first["conversation"]).count() == 2


def test_a_user_may_only_continue_their_own_conversation(chat_run, bob, carol):
    mine = engine.ask("How many segments are there?", user=bob)
    with pytest.raises(engine.ConversationNotFound):
        engine.ask("and the largest?", user=carol, conversation_id=mine["conversation"])
    with pytest.raises(engine.ConversationNotFound):
        engine.history(carol, mine["conversation"])
    assert len(engine.history(bob, mine["conversation"])["messages"]) == 1


def test_each_question_is_audited_with_the_customer_asked_about(chat_run, bob):
    engine.ask("Which segment is the largest?", user=bob, channel="api")
    entry = AuditEvent.objects.filter(action="chat_question").first()
    assert entry.username == "bob" and entry.channel == "api"
    assert entry.details["tools"] == ["rank_segments"] and entry.details["rows"] > 0
    assert entry.details["question"] == "Which segment is the largest?"
    pseudonym = Membership.objects.filter(run=chat_run, segment__isnull=False).first()
    pseudonym = pseudonym.customer.pseudonym
    answer = engine.ask(f"Why is customer {pseudonym} in their segment?", user=bob)
    assert answer["plan"][0]["tool"] == "customer_why"
    entry = AuditEvent.objects.filter(action="chat_question").first()
    assert entry.target == pseudonym and entry.details["customer"] == pseudonym


def test_a_customer_named_by_the_shops_own_id_is_kept_by_pseudonym_only(chat_run, bob):
    from nlp.datasets import generate_demo_dataset
    from segapp.services.pseudonyms import pseudonymise

    ids = [str(c["customer_id"]) for c in generate_demo_dataset(n_customers=150, seed=7).customers]
    placed = set(Membership.objects.filter(run=chat_run, segment__isnull=False)
                 .values_list("customer__pseudonym", flat=True))  # fmt: skip
    external = next(i for i in ids if pseudonymise(i) in placed)
    first = engine.ask(f"Which segment is customer {external} in?", user=bob)
    assert first["plan"][0]["tool"] == "customer_why"
    assert first["plan"][0]["result"]["customer"] == pseudonymise(external)
    again = engine.ask("and why?", user=bob, conversation_id=first["conversation"])
    assert again["plan"][0]["tool"] == "customer_why"
    assert again["plan"][0]["result"]["customer"] == pseudonymise(external)
    kept = [json.dumps([m.question, m.response]) for m in ChatMessage.objects.all()]
    kept += [json.dumps(e.details) for e in AuditEvent.objects.filter(action="chat_question")]
    kept += [json.dumps(c.context) for c in ChatMessage.objects.first().conversation.__class__
             .objects.all()]  # fmt: skip
    assert kept and not any(external.lower() in text.lower() for text in kept)


def test_product_managers_get_aggregates_only(chat_run, carol):
    pseudonym = Membership.objects.filter(run=chat_run).first().customer.pseudonym
    why = engine.ask(f"Why is customer {pseudonym} in their segment?", user=carol)
    assert why["facts"] == [] and "role does not allow" in why["answer"]
    quotes = engine.ask("Show me quotes from segment 3", user=carol)
    assert quotes["quotes"] == [] and quotes["suggestions"]


def test_declines_say_so_with_suggestions_and_no_figures(chat_run, bob):
    response = engine.ask("What is the weather in Paris tomorrow?", user=bob)
    assert response["plan"] == [] and response["facts"] == [] and response["suggestions"]
    assert grounding.numbers_in(response["answer"]) == []
    missing = engine.ask("How many segments?", user=bob, run_ref=99999)
    assert missing["answer"] == "There is no successful run 99999."


def test_empty_and_overlong_questions_are_refused(chat_run, bob):
    for question in ("   ", "x" * 1001):
        with pytest.raises(engine.QuestionError):
            engine.ask(question, user=bob)


# --- the LLM backend ---------------------------------------------------------------------------


class ScriptedServer:
    """An OpenAI-compatible /v1/chat/completions answering from a script of (status, body)."""

    def __init__(self, script: list[tuple[int, dict]]):
        self.script, self.requests = list(script), []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                owner.requests.append(
                    (self.path, dict(self.headers), json.loads(self.rfile.read(length)))
                )
                status, body = owner.script.pop(0) if owner.script else (500, {})
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def tool_call(name: str, args: dict) -> tuple[int, dict]:
    call = {"id": "call_1", "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)}}  # fmt: skip
    return 200, {"choices": [{"message": {"role": "assistant", "content": None,
                                          "tool_calls": [call]}}]}  # fmt: skip


def text(content: str) -> tuple[int, dict]:
    return 200, {"choices": [{"message": {"role": "assistant", "content": content}}]}


@pytest.fixture
def llm_server(monkeypatch):
    servers = []

    def start(script):
        server = ScriptedServer(script)
        servers.append(server)
        monkeypatch.setenv("VOXSEG_CHAT_LLM_URL", server.url)
        monkeypatch.setenv("VOXSEG_CHAT_LLM_KEY", "secret-key")
        monkeypatch.setenv("VOXSEG_CHAT_LLM_TIMEOUT", "5")
        return server

    yield start
    for server in servers:
        server.close()


def test_a_grounded_llm_answer_is_used(chat_run, bob, llm_server):
    largest = by_size(chat_run)[0]
    phrased = f"The biggest segment is “{largest.name}”, with {largest.size} customers."
    server = llm_server([tool_call("rank_segments", {"measure": "size"}), text(phrased)])
    response = engine.ask("Which segment is the largest?", user=bob)
    assert response["engine"] == "llm" and response["answer"] == phrased
    assert "llm_fallback" not in response
    assert response["plan"][0]["tool"] == "rank_segments"
    path, headers, first = server.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer secret-key"
    assert {t["function"]["name"] for t in first["tools"]} >= {"rank_segments", "quotes"}
    assert server.requests[1][2]["messages"][-2]["role"] == "tool"


def test_an_llm_answer_with_an_invented_figure_falls_back(chat_run, bob, llm_server):
    llm_server([tool_call("rank_segments", {"measure": "size"}),
                text("The largest segment has 98,765 customers.")])  # fmt: skip
    response = engine.ask("Which segment is the largest?", user=bob)
    assert response["engine"] == "local" and "98,765" in response["llm_fallback"]
    assert by_size(chat_run)[0].name in response["answer"]
    assert_grounded(response)


def test_an_erroring_or_confused_llm_falls_back(chat_run, bob, llm_server):
    llm_server([(500, {"error": "overloaded"})])
    response = engine.ask("Which segment is the largest?", user=bob)
    assert "HTTP 500" in response["llm_fallback"] and response["engine"] == "local"
    llm_server([tool_call("drop_all_tables", {})])
    response = engine.ask("Which segment is the largest?", user=bob)
    assert "invalid tool call" in response["llm_fallback"]


def test_the_llm_gets_no_more_rights_than_the_user(chat_run, carol, llm_server):
    segment = by_size(chat_run)[0].number
    llm_server([tool_call("quotes", {"segment": segment}), text("Here is what they say.")])
    response = engine.ask("Show me quotes from the largest segment", user=carol)
    assert response["quotes"] == []
