"""Intent accuracy with the real sentence embedder (the model VoxSeg ships), printed."""

from __future__ import annotations

import pytest

from nlp.chat import Interpreter
from tests.nlp.chat.cases import CASES, HELD_OUT
from tests.nlp.chat.test_understand import VOCABS, accuracy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def interpreters():
    from nlp.embed import make_embedder

    encode = make_embedder().encode
    return {name: Interpreter(encode, make()) for name, make in VOCABS.items()}


def test_cases_are_read_right_with_the_real_embedder(interpreters):
    score, failures = accuracy(interpreters, CASES)
    print(f"\nreal embedder, tuning cases: {score:.1%} of {len(CASES)}", *failures, sep="\n  ")
    assert score >= 0.95


def test_held_out_phrasings_are_read_right_with_the_real_embedder(interpreters):
    score, failures = accuracy(interpreters, HELD_OUT)
    print(f"\nreal embedder, held-out: {score:.1%} of {len(HELD_OUT)}", *failures, sep="\n  ")
    assert score >= 0.85
