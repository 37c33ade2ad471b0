"""`manage.py ask "QUESTION" [--user USERNAME] [--conversation ID] [--json]` (SPEC §11).

Asks the chat one question with that user's rights and prints the answer, its
figures, quotes and plan; with `--json`, the same object `POST /api/v1/chat/`
returns. Without `--user` the command line's operator asks, with every right
(like the export commands). Exit 1 with one `error: ...` line for an unknown
user, someone else's conversation or an empty question.
"""

from __future__ import annotations

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from segapp.services.chat import engine


class Command(BaseCommand):
    help = "Ask the chat one question about the latest run and print the answer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("question", help="The question, in plain English.")
        parser.add_argument("--user", help="Ask with this user's rights (default: the operator).")
        parser.add_argument("--conversation", type=int, help="Continue this conversation.")
        parser.add_argument("--json", action="store_true", help="Print the API's answer object.")

    def handle(self, *args, **options) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                self._fail(f"no user called {options['user']!r}")
        try:
            answer = engine.ask(
                options["question"],
                user=user,
                conversation_id=options["conversation"],
                channel="cli",
            )
        except (engine.ConversationNotFound, engine.QuestionError) as exc:
            self._fail(str(exc))
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self._text(answer))

    def _text(self, answer: dict) -> str:
        lines = [answer["answer"], ""]
        lines += [f"  {f['label']}: {f['value']}" for f in answer["facts"]]
        lines += [f"  “{q['text']}” (document {q['document']})" for q in answer["quotes"]]
        lines += [f"  try: {s}" for s in answer.get("suggestions") or []]
        for step in answer["plan"]:
            lines.append(f"  plan: {step['tool']}({json.dumps(step['args'], ensure_ascii=False)})")
        if answer.get("llm_fallback"):
            lines.append(f"  llm_fallback: {answer['llm_fallback']}")
        lines.append(f"conversation={answer['conversation']}")
        return "\n".join(lines)

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(1)
