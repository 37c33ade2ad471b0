"""Fixtures of the persona page tests: a finished run with full persona profiles, built directly."""

from __future__ import annotations

import pytest

from tests.web.factories import build_persona_run


@pytest.fixture
def persona_run(db):
    """120 customers, four personas and one segment below k (number 4), outliers, 12 months."""
    return build_persona_run(120)
