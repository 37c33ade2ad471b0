"""The registry of intents and tools is the one list every layer reads."""

from __future__ import annotations

import pytest

from nlp.chat import INTENT_REGISTRY, INTENTS, TOOL_REGISTRY, TOOLS, Understanding, make_plan
from nlp.chat.intents import intent, per_intent, per_tool, tool
from tests.nlp.chat import vocabs


def test_every_intent_is_answered_by_registered_tools_and_every_tool_answers_one():
    named = {name for entry in INTENT_REGISTRY for name in entry.tools}
    assert named <= set(TOOLS)
    assert set(TOOLS) <= named
    assert INTENTS[-1] == "unsupported" and intent("unsupported").tools == ()


def test_every_intent_has_exemplar_questions_with_entities_masked():
    for entry in INTENT_REGISTRY:
        assert len(entry.exemplars) >= 6, entry.name
        assert not any("segment 1" in e or "#" in e for e in entry.exemplars), entry.name


def test_a_plan_names_only_the_tools_its_intent_lists():
    vocabulary = vocabs.travel()
    for entry in INTENT_REGISTRY:
        u = Understanding(entry.name, segments=[1, 2], topics=[6], customer="x" * 64)
        plan = make_plan(u, vocabulary)
        steps = getattr(plan, "steps", [])
        assert {s.tool for s in steps} <= set(entry.tools), entry.name


def test_tables_keyed_by_intent_or_tool_must_cover_the_registry():
    with pytest.raises(ValueError, match="overview"):
        per_intent({name: 1 for name in INTENTS if name != "overview"})
    with pytest.raises(ValueError, match="quotes"):
        per_tool({name: 1 for name in TOOLS if name != "quotes"})
    assert per_tool({**{name: 1 for name in TOOLS}, "extra": 2})["extra"] == 2


def test_tool_specs_carry_their_required_arguments():
    for spec in TOOL_REGISTRY:
        assert set(spec.required) <= set(spec.parameters), spec.name
    assert tool("count_members").required == ("filters",)
