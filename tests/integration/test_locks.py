"""Advisory locks keep a redelivered task from running work another worker holds."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from segapp.services.locks import exclusive

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _try_in_another_session(kind: str, key: int) -> bool:
    result = {}

    def attempt():
        try:
            with exclusive(kind, key) as held:
                result["held"] = held
        finally:
            connection.close()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(30)
    return result["held"]


def test_a_second_session_cannot_take_a_held_lock_until_it_is_released():
    with exclusive("import", 4242) as held:
        assert held
        assert _try_in_another_session("import", 4242) is False
        assert _try_in_another_session("analysis", 4242) is True  # other kind, other lock
    assert _try_in_another_session("import", 4242) is True
