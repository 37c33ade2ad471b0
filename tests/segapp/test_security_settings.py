"""Deployment security: keys, HTTPS settings, password rules, quiet refusals in the log.

Start-up behaviour is checked in a fresh Python process with a clean
environment, as an operator would start VoxSeg.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from segapp.keys import PUBLIC_KEYS

# Everything that configures a deployment: cleared so each start sees only what the test sets.
CONFIG_VARS = (
    "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY",
    "PSEUDONYM_KEY", "DEBUG", "VOXSEG_TESTING", "VOXSEG_DP_ALLOW_SEEDS", "VOXSEG_VAR_DIR",
    "VOXSEG_BEHIND_TLS_PROXY", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
)  # fmt: skip
SERVER_DB = "postgres://voxseg@127.0.0.1:1/voxseg"  # never connected to: settings only
KEYS = {"SECRET_KEY": secrets.token_urlsafe(50), "PSEUDONYM_KEY": secrets.token_urlsafe(50)}
READ = (
    "import json; from django.conf import settings as s; print(json.dumps({n: repr(getattr(s, n,"
    " None)) for n in ('SECRET_KEY', 'PSEUDONYM_KEY', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER', 'VOXSEG_DP_ALLOW_SEEDS')}))"
)


def start(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python -c READ` (or manage.py ARGS) with segapp.settings and only `env` set."""
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update(
        DJANGO_SETTINGS_MODULE="segapp.settings", VOXSEG_VAR_DIR=str(tmp_path / "var"), **env
    )
    command = [sys.executable, "manage.py", *args] if args else [sys.executable, "-c", READ]
    return subprocess.run(
        command, env=clean, cwd=django_settings.BASE_DIR, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def values(process: subprocess.CompletedProcess) -> dict:
    assert process.returncode == 0, process.stderr[-2000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_URL": SERVER_DB},
        {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
        {"DATABASE_URL": SERVER_DB, "SECRET_KEY": KEYS["SECRET_KEY"]},
        {"DATABASE_URL": SERVER_DB, "PSEUDONYM_KEY": KEYS["PSEUDONYM_KEY"]},
        {
            "DATABASE_URL": SERVER_DB,
            **{name: key for name, key in zip(KEYS, sorted(PUBLIC_KEYS), strict=True)},
        },
    ],
    ids=["no-keys", "server-broker", "no-pseudonym-key", "no-secret-key", "public-keys"],
)
def test_production_refuses_to_start_without_both_keys(tmp_path, env):
    process = start(tmp_path, **env)
    assert process.returncode != 0
    assert "needs SECRET_KEY and PSEUDONYM_KEY in the environment" in process.stderr
    assert not (tmp_path / "var" / "keys").exists()  # nothing generated behind the operator


def test_production_starts_with_both_keys_and_uses_them(tmp_path):
    started = values(start(tmp_path, DATABASE_URL=SERVER_DB, **KEYS))
    assert started["SECRET_KEY"] == repr(KEYS["SECRET_KEY"])
    assert started["PSEUDONYM_KEY"] == repr(KEYS["PSEUDONYM_KEY"])


def test_the_embedded_mode_generates_private_keys_once_and_keeps_them(tmp_path):
    first = values(start(tmp_path))
    second = values(start(tmp_path))
    assert first == second  # every process of the machine shares the same keys
    other = values(start(tmp_path / "elsewhere"))
    assert other["PSEUDONYM_KEY"] != first["PSEUDONYM_KEY"]  # each installation its own
    for name in ("SECRET_KEY", "PSEUDONYM_KEY"):
        key = eval(first[name])  # noqa: S307 (a repr of a str, written above)
        assert key not in PUBLIC_KEYS and len(key) >= 50
        path = tmp_path / "var" / "keys" / name
        assert path.read_text().strip() == key
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- HTTPS ------------------------------------------------------------------------------------


def test_production_defaults_to_https_only_cookies_redirects_and_hsts(tmp_path):
    started = values(start(tmp_path, DATABASE_URL=SERVER_DB, **KEYS))
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT"):
        assert started[name] == "True", name
    assert started["SECURE_HSTS_SECONDS"] == "31536000"
    assert started["SECURE_HSTS_INCLUDE_SUBDOMAINS"] == "True"
    assert started["SECURE_PROXY_SSL_HEADER"] == "None"  # a forgeable header is opt-in
    behind_proxy = values(
        start(tmp_path, DATABASE_URL=SERVER_DB, VOXSEG_BEHIND_TLS_PROXY="1", **KEYS)
    )
    assert behind_proxy["SECURE_PROXY_SSL_HEADER"] == repr(("HTTP_X_FORWARDED_PROTO", "https"))
    relaxed = values(start(tmp_path, DATABASE_URL=SERVER_DB, SECURE_SSL_REDIRECT="0", **KEYS))
    assert relaxed["SECURE_SSL_REDIRECT"] == "False"


def test_check_deploy_has_no_security_warning_but_the_opt_in_preload(tmp_path):
    process = start(
        tmp_path, "check", "--deploy", DATABASE_URL=SERVER_DB, ALLOWED_HOSTS="x.example", **KEYS
    )
    output = process.stdout + process.stderr
    for warning in ("W004", "W008", "W009", "W012", "W016", "W018"):
        assert f"security.{warning}" not in output, output


def test_the_embedded_demo_and_seeds_stay_plain_http_and_unseeded(tmp_path):
    started = values(start(tmp_path))
    assert started["SECURE_SSL_REDIRECT"] == "False" and started["SECURE_HSTS_SECONDS"] == "0"
    assert started["VOXSEG_DP_ALLOW_SEEDS"] == "False"


# --- passwords --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("a", "too short"),
        ("password123", "too common"),
        ("83920174658301", "entirely numeric"),
        ("erin.walker", "too similar to the username"),
    ],
)
def test_add_user_refuses_a_weak_password_with_the_reason(password, reason, rf):
    with pytest.raises(CommandError, match=reason):
        call_command("add_user", "erin.walker", "--role", "analyst", "--password", password)
    request = rf.post("/login/")
    assert authenticate(request, username="erin.walker", password=password) is None


def test_add_user_exits_with_status_1_and_no_traceback(tmp_path):
    process = start(tmp_path, "add_user", "erin", "--role", "analyst", "--password", "a")
    assert process.returncode == 1
    assert "This password is too short" in process.stderr
    assert "Traceback" not in process.stderr


@pytest.mark.django_db
def test_add_user_accepts_a_strong_password(rf):
    call_command("add_user", "erin", "--role", "analyst", "--password", "lantern-quarry-89")
    request = rf.post("/login/")
    assert authenticate(request, username="erin", password="lantern-quarry-89") is not None


# --- refusals in the log ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_page_is_logged_in_one_line_without_traceback(client, carol, caplog):
    client.force_login(carol)  # a product manager: may not import
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/imports/new/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "Forbidden" in record.getMessage() and "/imports/new/" in record.getMessage()
    assert "Your role does not allow this" in record.getMessage()  # the reason, same line
    assert "Traceback" not in caplog.text
