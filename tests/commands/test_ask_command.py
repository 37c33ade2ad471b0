"""`manage.py ask` (SPEC §11): the answer for a user, --json is the API's object, errors exit 1."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tests.segapp.chat import shared

pytestmark = pytest.mark.django_db
chat_run = shared.chat_run  # the module's real run (a fixture)


def ask(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("ask", *map(str, args), stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_prints_the_answer_with_its_figures_and_plan(chat_run, bob):
    code, out, _ = ask("Which segment is the largest?", "--user", "bob")
    assert code == 0
    assert "plan: rank_segments(" in out and out.strip().splitlines()[-1].startswith(
        "conversation="
    )


def test_json_is_the_api_object_and_follow_ups_continue(chat_run, bob, api_as):
    code, out, _ = ask("Which segment is the largest?", "--user", "bob", "--json")
    answer = json.loads(out)
    assert code == 0 and {"answer", "facts", "quotes", "plan", "conversation"} <= set(answer)
    api = api_as(bob).post("/api/v1/chat/", {"question": "Which segment is the largest?"},
                           format="json").json()  # fmt: skip
    assert answer["answer"] == api["answer"] and answer["plan"] == api["plan"]
    code, out, _ = ask("and the second largest?", "--user", "bob", "--json",
                       "--conversation", answer["conversation"])  # fmt: skip
    assert json.loads(out)["conversation"] == answer["conversation"]


def test_the_role_of_the_user_applies(chat_run, carol):
    code, out, _ = ask("Show me quotes from segment 3", "--user", "carol", "--json")
    assert code == 0 and json.loads(out)["quotes"] == []


def test_unknown_user_and_foreign_conversation_are_one_error_line(chat_run, bob, carol):
    code, out, err = ask("How many segments?", "--user", "nobody")
    assert code == 1 and err.strip() == "error: no user called 'nobody'" and out == ""
    _, out, _ = ask("How many segments?", "--user", "bob", "--json")
    mine = json.loads(out)["conversation"]
    code, _, err = ask("and the largest?", "--user", "carol", "--conversation", mine)
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err
