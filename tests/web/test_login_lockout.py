"""Guessing passwords: after 10 failures for one username from one address, logging in is
paused for 15 minutes on the login page and the admin's alike, with a clear page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ATTACKER, OTHER = "198.51.100.7", "203.0.113.20"


def attempt(client, path: str, username: str, password: str, address: str = ATTACKER):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_ten_wrong_passwords_lock_out_even_the_right_one(client, alice, path):
    codes = [attempt(client, path, "alice", f"wrong-{i}").status_code for i in range(10)]
    assert codes[:9] == [200] * 9  # the form again, with an error
    assert codes[9] == 429
    response = attempt(client, path, "alice", "pw-alice-secret")
    assert response.status_code == 429 and not logged_in(client)
    page = response.content.decode()
    assert "Too many failed logins" in page and "try again in 15 minutes" in page
    assert "Traceback" not in page


def test_the_lockout_is_per_address_and_username(client, bob, carol):
    for i in range(10):
        attempt(client, "/login/", "bob", f"wrong-{i}")
    assert attempt(client, "/login/", "bob", "pw-bob-secret").status_code == 429
    other_user = attempt(client, "/login/", "carol", "pw-carol-secret")
    assert other_user.status_code == 302 and logged_in(client)
    client.logout()
    other_address = attempt(client, "/login/", "bob", "pw-bob-secret", address=OTHER)
    assert other_address.status_code == 302 and logged_in(client)


def test_a_successful_login_resets_the_count(client, bob):
    for i in range(9):
        attempt(client, "/login/", "bob", f"wrong-{i}")
    assert attempt(client, "/login/", "bob", "pw-bob-secret").status_code == 302
    client.logout()
    for i in range(9):
        attempt(client, "/login/", "bob", f"wrong-again-{i}")
    assert attempt(client, "/login/", "bob", "pw-bob-secret").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, bob, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    for i in range(10):
        attempt(client, "/login/", "bob", f"wrong-{i}")
    assert attempt(client, "/login/", "bob", "pw-bob-secret").status_code == 429
    # 16 minutes later: the failures are older than the cool-off
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert attempt(client, "/login/", "bob", "pw-bob-secret").status_code == 302
