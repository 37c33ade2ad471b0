"""Page benchmark: server time and queries of the persona pages for a run of 10,000 customers.

Builds a fresh SQLite database under bench/data/pages/ and writes a finished
run of 10,000 customers straight into it with `tests.web.factories.build_persona_run`
(customers, ~30,000 documents over twelve months, segments with full persona
profiles, memberships with map positions, topics and per-document results):
fitting the real pipeline at that size takes many minutes and the pages only
read what a run stored, so the rows are synthesised with realistic shapes.
Then each page is requested through Django's test client (the whole request:
middleware, view, queries, template) several times as an analyst, counting
queries with CaptureQueriesContext. Writes bench/results/pages.md.

Usage: bench_pages.py [--customers 10000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from _django import fresh_django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "data" / "pages"
RESULTS = ROOT / "bench" / "results" / "pages.md"
BUDGET_MS = 300


def setup_django() -> None:
    fresh_django(WORK)


def pages(run, client) -> dict[str, str]:
    """Page name -> URL, over the run's first two personas and one customer."""
    from segapp.models import Membership
    from segapp.selectors.personas import persona_list

    numbers = [p["number"] for p in persona_list(run) if not p["small"]]
    a, b = numbers[0], numbers[1]
    member = (
        Membership.objects.filter(run=run, segment__number=a)
        .select_related("customer")
        .first()
        .customer.pseudonym
    )
    topic = run.topics.order_by("-size").first().number
    return {
        "segment map": f"/runs/{run.pk}/map/",
        "persona": f"/runs/{run.pk}/segments/{a}/",
        "compare": f"/runs/{run.pk}/compare/?a={a}&b={b}",
        "customer": f"/customers/{member}/?run={run.pk}",
        "topic": f"/runs/{run.pk}/topics/{topic}/",
        "topics index": f"/runs/{run.pk}/topics/",
        "members export (CSV)": f"/runs/{run.pk}/segments/{a}/members.csv",
    }


def measure(client, url: str, repeat: int) -> tuple[list[float], int, int]:
    """Milliseconds per request (the first, warming, request is dropped), queries, bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, size = [], 0, 0
    for i in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        if i:
            times.append(elapsed)
        queries, size = len(captured), len(body)
    return times, queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    setup_django()

    from django.test import Client

    from segapp.services.accounts import add_user
    from tests.web.factories import build_persona_run

    start = time.perf_counter()
    run = build_persona_run(args.customers)
    built = time.perf_counter() - start
    analyst = add_user(username="bench", role="analyst", password="bench-password-1")
    client = Client()
    client.force_login(analyst)

    rows = []
    for name, url in pages(run, client).items():
        times, queries, size = measure(client, url, args.repeat)
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        rows.append((name, statistics.median(times), p95, queries, size))
        print(f"{name:22} median {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
              f"{queries:3d} queries  {size / 1024:7.1f} KiB", flush=True)  # fmt: skip

    lines = [
        "# Page benchmark",
        "",
        f"A finished run of {run.n_customers:,} customers and {run.n_documents:,} documents "
        f"({run.n_segments} segments, one below k), synthesised straight into a fresh SQLite "
        f"database by `tests.web.factories.build_persona_run` in {built:.1f} s.",
        f"Each page requested {args.repeat} times (after one warm-up request) through "
        "Django's test client as an analyst: server time of the whole request (middleware, "
        "view, queries, template; streamed exports read to the end). "
        f"Budget: {BUDGET_MS} ms per page. Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPU cores.",
        "",
        "| page | median ms | p95 ms | queries | response KiB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {m:.1f} | {p:.1f} | {q} | {s / 1024:.0f} |" for n, m, p, q, s in rows]
    lines += [
        "",
        "Query counts do not grow with the number of customers "
        "(tests/web/test_page_queries.py checks them at two run sizes). "
        "The map draws at most 5,000 customers (every 2nd here).",
        "",
        "Reproduce: `.venv/bin/python bench/bench_pages.py` (part of `make bench`).",
    ]
    RESULTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    slow = [n for n, m, p, *_ in rows if p > BUDGET_MS]
    if slow:
        print(f"over {BUDGET_MS} ms (p95): {', '.join(slow)}")


if __name__ == "__main__":
    main()
