"""An optional OpenAI-compatible backend that chooses the chat's tools and phrases the answer.

Configured by environment variables: VOXSEG_CHAT_LLM_URL (the server's base URL,
e.g. http://localhost:8080 or .../v1; the chat completions path is added),
VOXSEG_CHAT_LLM_MODEL, VOXSEG_CHAT_LLM_KEY (sent as a Bearer token when set)
and VOXSEG_CHAT_LLM_TIMEOUT (seconds, default 10). Two calls per question to
/v1/chat/completions: the first offers the tools (function calling) and gets
the calls to make; the second sends their results back and gets the text.
The engine runs the calls itself (same tools, same role and k checks) and
checks the text with `grounding`; any failure here is an `LLMFailure`, and the
engine answers locally instead.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from nlp.chat.intents import TOOL_REGISTRY

MAX_CALLS = 4
DEFAULT_TIMEOUT = 10.0

#: The registered tools: name -> (what it answers, argument properties, required arguments).
TOOL_SPECS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    t.name: (t.answers, t.parameters, list(t.required)) for t in TOOL_REGISTRY
}


class LLMFailure(RuntimeError):
    """The LLM backend could not give a usable answer (the reason is shown as llm_fallback)."""


def configured() -> bool:
    """Whether an LLM backend is configured (VOXSEG_CHAT_LLM_URL is set)."""
    return bool(os.environ.get("VOXSEG_CHAT_LLM_URL", "").strip())


def tool_schema() -> list[dict[str, Any]]:
    """The tools in OpenAI function-calling form."""
    return [
        {
            "type": "function",
            "function": {
                "name": name,
                "description": description,
                "parameters": {"type": "object", "properties": properties, "required": required},
            },
        }
        for name, (description, properties, required) in TOOL_SPECS.items()
    ]


def completions_url(base: str) -> str:
    """The chat completions endpoint for a configured base URL."""
    base = base.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


class LLMBackend:
    """One question's exchange with the model: choose tools, then phrase their results."""

    def __init__(self, url: str, model: str, key: str = "", timeout: float = DEFAULT_TIMEOUT):
        self.url = url
        self.model = model
        self.key = key
        self.timeout = timeout
        self.messages_: list[dict[str, Any]] = []
        self.calls_: list[dict[str, Any]] = []

    @classmethod
    def from_env(cls) -> LLMBackend:
        """A backend configured from the VOXSEG_CHAT_LLM_* variables."""
        try:
            timeout = float(os.environ.get("VOXSEG_CHAT_LLM_TIMEOUT", DEFAULT_TIMEOUT))
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return cls(
            url=completions_url(os.environ["VOXSEG_CHAT_LLM_URL"]),
            model=os.environ.get("VOXSEG_CHAT_LLM_MODEL", "default"),
            key=os.environ.get("VOXSEG_CHAT_LLM_KEY", ""),
            timeout=timeout,
        )

    def choose_tools(self, question: str, vocabulary) -> list[tuple[str, dict[str, Any]]]:
        """The tool calls the model chooses for `question`: [(name, args)]."""
        self.messages_ = [
            {"role": "system", "content": _system_prompt(vocabulary)},
            {"role": "user", "content": question},
        ]
        message = self._complete({"tools": tool_schema(), "tool_choice": "auto"})
        calls = message.get("tool_calls") or []
        if not isinstance(calls, list) or not calls:
            raise LLMFailure("the model chose no tool")
        chosen = []
        for call in calls[:MAX_CALLS]:
            function = (call or {}).get("function") or {}
            name = function.get("name")
            try:
                args = json.loads(function.get("arguments") or "{}")
            except (TypeError, ValueError):
                raise LLMFailure(f"invalid arguments for tool {name!r}") from None
            if not isinstance(name, str) or not isinstance(args, dict):
                raise LLMFailure("invalid tool call")
            chosen.append((name, args))
        self.calls_ = calls[:MAX_CALLS]
        self.messages_.append({"role": "assistant", "content": None, "tool_calls": self.calls_})
        return chosen

    def phrase(self, question: str, results: list[tuple[str, dict, dict, list]]) -> str:
        """The model's answer text from the tools' results: (name, args, result, facts)."""
        for call, (name, _args, result, facts) in zip(self.calls_, results, strict=False):
            content = json.dumps({"tool": name, "result": result, "facts": facts}, default=str)
            self.messages_.append(
                {"role": "tool", "tool_call_id": call.get("id", name), "content": content}
            )
        self.messages_.append({"role": "user", "content": (
            "Answer the question in at most three sentences, using only figures written in the "
            "tool results above, exactly as written there. Do not invent quotes.")})  # fmt: skip
        text = self._complete({}).get("content")
        if not isinstance(text, str) or not text.strip():
            raise LLMFailure("the model gave no answer text")
        return text.strip()

    def _complete(self, extra: dict[str, Any]) -> dict[str, Any]:
        payload = {"model": self.model, "messages": self.messages_, "temperature": 0, **extra}
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                body = json.loads(reply.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise LLMFailure(f"the LLM server answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise LLMFailure(f"the LLM server could not be reached ({exc})") from None
        except ValueError:
            raise LLMFailure("the LLM server did not answer JSON") from None
        try:
            return dict(body["choices"][0]["message"])
        except (KeyError, IndexError, TypeError, ValueError):
            raise LLMFailure("the LLM server's answer has no message") from None


def _system_prompt(vocabulary) -> str:
    segments = "; ".join(f"{s.number}: {s.name}" for s in vocabulary.segments)
    topics = "; ".join(f"{t.number}: {t.label}" for t in vocabulary.topics)
    measures = ", ".join(m.key for m in vocabulary.all_measures())
    return (
        "You answer questions about customer segments by calling tools. Use only tool results. "
        f"Segments: {segments}. Topics: {topics}. Measures: {measures}."
    )
