"""Shared fixtures. Named users, one per role (who may see what):

- alice: admin: everything.
- bob: analyst: imports, customers, documents.
- carol: product manager: dashboard and imports list, never customers or texts.
- dave: integration: pushes files, reads customers, never texts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """VOXSEG_DATA_DIR of the tests and of their worker processes (uploads, run files)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(autouse=True)
def _data_files_in_tmp(settings, data_dir):
    """Uploads and run files go to the session's folder, never under var/."""
    settings.VOXSEG_DATA_DIR = data_dir


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with sessions other threads left open ended first.

    The live server's request threads can keep a PostgreSQL session on the
    test database to the end, which makes dropping it fail (pytest-django
    issue 429). Ending those sessions just before the drop is safe: nothing
    runs against the test database any more.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture
def make_user(db) -> Callable:
    """Create a user with one role (and a password 'pw-<username>')."""
    from segapp.services.accounts import add_user

    def make(username: str, role: str):
        password = f"pw-{username}-secret"
        return add_user(username=username, role=role, password=password, check_password=False)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice", "admin")


@pytest.fixture
def bob(make_user):
    return make_user("bob", "analyst")


@pytest.fixture
def carol(make_user):
    return make_user("carol", "product_manager")


@pytest.fixture
def dave(make_user):
    return make_user("dave", "integration")


@pytest.fixture
def api_as() -> Callable[[object], APIClient]:
    """An API client authenticated by token as the given user."""

    def client_for(user) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file under tmp_path and return its path."""

    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return write


@pytest.fixture
def finished_run(db, tmp_path):
    """A succeeded run (foreground, real model) on 150 demo customers."""
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    import_demo(tmp_path, n_customers=150)
    return run_in_foreground(create_run(parameters={}, source="test").pk)


@pytest.fixture
def eager_celery():
    """Run Celery tasks in-process (unit tests only; integration tests use real workers)."""
    from segapp.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


# --- real services: integration and browser tests -------------------------------------------


def _missing_service(item) -> str | None:
    """Why an integration/browser test cannot run here, or None."""
    import socket

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL (make test-integration sets it)"
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "amqp://")):
        return "CELERY_BROKER_URL is not a Redis or RabbitMQ broker"
    from kombu.utils.url import url_to_parts

    broker = url_to_parts(settings.CELERY_BROKER_URL)
    endpoints = [
        ("PostgreSQL", database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)),
        ("broker", broker.hostname or "127.0.0.1", int(broker.port or 6379)),
    ]
    for name, host, port in endpoints:
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError:
            return f"{name} is not reachable at {host}:{port}"
    if item.get_closest_marker("browser") and not os.path.exists("/usr/bin/chromium"):
        return "Debian chromium is not installed at /usr/bin/chromium"
    return None


@pytest.hookimpl(trylast=True)  # after `-m` has deselected what this run does not run
def pytest_collection_modifyitems(config, items):
    """Skip real-service tests on a machine without the services; never under CI."""
    for item in items:
        if not (item.get_closest_marker("integration") or item.get_closest_marker("browser")):
            continue
        reason = _missing_service(item)
        if reason is None:
            continue
        if os.environ.get("CI"):
            pytest.exit(f"CI must run the integration tests, but {reason}", returncode=3)
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker, data_dir):
    """A real Celery worker process on the real broker and the test database.

    Module-scoped: it stops when its module ends, so tests that start and kill
    their own workers never share the queue with it."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    from segapp.celery import ALL_QUEUES, app

    database = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    env["VOXSEG_DATA_DIR"] = str(data_dir)
    app.control.purge()
    command = [
        sys.executable, "-m", "celery", "-A", "segapp", "worker", "--loglevel", "warning",
        "--pool", "solo", "--hostname", f"test-{os.getpid()}@%h", "--without-gossip",
        "--without-mingle", "--queues", ALL_QUEUES,
    ]  # fmt: skip
    worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    deadline = time.monotonic() + 90
    while not app.control.ping(timeout=1.0):
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail("the Celery worker did not start")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
