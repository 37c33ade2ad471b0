"""Chat benchmark: how long the local engine takes per question on the demo data.

Builds (once; kept under bench/data/chat/ and reused while the code of `nlp/`
and the sizes are unchanged, `--fresh` rebuilds) a SQLite database with two real
runs through the import service and the pipeline: a previous run over
`--previous` demo customers, then the latest over those plus `--customers` more
(the demo's 3,000 by default), so "what changed" has an answer. Then asks every
question of the evaluation bank (`tests/chat/bank.py`) through
`segapp.services.chat.engine.ask`, as its user and with its earlier turns
(untimed), once to warm up and `--repeat` times measured: the whole call,
understanding, planning, tools, composing, grounding, storing and auditing.
Writes the median and p95 per question, per kind and overall to
bench/results/chat.md. Target: p95 under 500 ms per question.

Usage: bench_chat.py [--customers 3000] [--previous 300] [--repeat 5] [--fresh]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "data" / "chat"
RESULTS = ROOT / "bench" / "results" / "chat.md"
TARGET_MS = 500


def code_digest() -> str:
    """A digest of the `nlp/` and segmentation sources: the runs are rebuilt when they change."""
    digest = hashlib.sha256()
    for folder in ("nlp", "segapp/services/segmentation"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "chat" not in path.parts:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def setup_django(fresh: bool, stamp: dict) -> bool:
    """Point Django at the bench database; True when the runs must be built."""
    marker = WORK / "built.json"
    build = fresh or not marker.exists() or json.loads(marker.read_text()) != stamp
    if build:
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
    os.environ["VOXSEG_VAR_DIR"] = str(WORK)
    os.environ["HF_HUB_OFFLINE"] = "1"
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "VOXSEG_DATA_DIR"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "segapp.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return build


def build_runs(customers: int, previous: int) -> None:
    """Import the demo data in two steps and fit a run after each (the slow part, once)."""
    from segapp.services.segmentation.runs import create_run, run_in_foreground
    from tests.segapp.segmentation.conftest import import_demo

    for folder, n, seed in (("previous", previous, 11), ("latest", customers, 7)):
        started = time.perf_counter()
        import_demo(WORK / "files" / folder, n_customers=n, seed=seed)
        run = run_in_foreground(create_run(parameters={}, source="bench").pk)
        print(f"{folder} run #{run.pk}: {run.status}, {run.n_customers:,} customers, "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        if run.status != "succeeded":
            raise SystemExit(f"the {folder} run failed: {run.error_message}")


def users() -> dict:
    from segapp.services.accounts import add_user

    roles = {"alice": "admin", "bob": "analyst", "carol": "product_manager", "dave": "integration"}
    return {name: add_user(username=name, role=role) for name, role in roles.items()}


def timed_ask(case, people: dict) -> float:
    """Seconds of the case's own question (its earlier turns asked first, untimed)."""
    from segapp.services.chat.engine import ask

    conversation = None
    for earlier in case.before:
        conversation = ask(earlier, user=people[case.user], conversation_id=conversation)[
            "conversation"
        ]
    started = time.perf_counter()
    ask(case.question, user=people[case.user], conversation_id=conversation)
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--previous", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args()
    stamp = {"customers": options.customers, "previous": options.previous, "code": code_digest()}
    if setup_django(options.fresh, stamp):
        build_runs(options.customers, options.previous)
        (WORK / "built.json").write_text(json.dumps(stamp))

    from segapp.models import SegmentationRun
    from tests.chat.bank import build_bank

    latest, previous = SegmentationRun.objects.filter(status="succeeded").order_by("-id")[:2]
    bank = build_bank(latest, previous)
    people = users()
    started = time.perf_counter()
    for case in bank.cases:  # warm-up: the encoder, the run's vocabulary vectors, caches
        timed_ask(case, people)
    warm_up = time.perf_counter() - started
    rows = []
    for case in bank.cases:
        times = [timed_ask(case, people) * 1000 for _ in range(options.repeat)]
        rows.append((case, statistics.median(times), p95(times)))
        print(
            f"{statistics.median(times):7.1f} ms  {case.kind:<28} {case.question[:70]}", flush=True
        )
    write_results(rows, bank, latest, previous, options, warm_up)


def write_results(rows, bank, latest, previous, options, warm_up: float) -> None:
    load = os.getloadavg()[0]
    every = [m for _, m, _ in rows]
    tails = [p for _, _, p in rows]
    over = [(c, p) for c, _, p in rows if p > TARGET_MS]
    lines = [
        "# Chat benchmark",
        "",
        f"Local engine (no LLM), SQLite, 2 cores, no GPU. Latest run #{latest.pk}: "
        f"{latest.n_customers:,} customers, {latest.n_documents:,} documents, "
        f"{latest.n_segments} segments; previous run #{previous.pk}: {previous.n_customers:,} "
        "customers. Every question of the evaluation bank (tests/chat/bank.py), asked through "
        "`engine.ask` as its user (the whole call: understanding, plan, tools, answer, "
        "grounding, storing, audit); follow-ups after their earlier turns (untimed). "
        f"One warm-up pass ({warm_up:.1f} s for {len(rows)} questions, the first loading the "
        f"sentence encoder), then {options.repeat} measured asks per question. Load average "
        f"while measuring: {load:.1f}"
        + (" (other processes shared the cores)." if load > 2 else "."),
        "",
        f"**Overall: median {statistics.median(every):.0f} ms, p95 of the per-question p95s "
        f"{p95(tails):.0f} ms, worst p95 {max(tails):.0f} ms; "
        f"{len(over)} of {len(rows)} questions over the {TARGET_MS} ms target.**",
        "",
        "| kind | questions | median ms | p95 ms (worst question) |",
        "|---|---|---|---|",
    ]
    kinds: dict[str, list] = {}
    for case, median, tail in rows:
        kinds.setdefault(case.kind.split("/")[0], []).append((median, tail))
    for kind, found in sorted(kinds.items()):
        lines.append(
            f"| {kind} | {len(found)} | {statistics.median(m for m, _ in found):.0f} | "
            f"{max(t for _, t in found):.0f} |"
        )
    lines += ["", "Per question:", "", "| kind | user | question | median ms | p95 ms |",
              "|---|---|---|---|---|"]  # fmt: skip
    for case, median, tail in rows:
        question = case.question.replace("|", "/")
        question = question if len(question) <= 90 else question[:87] + "…"
        if case.before:
            question = f"(after “{case.before[-1][:40]}”) {question}"
        lines.append(f"| {case.kind} | {case.user} | {question} | {median:.0f} | {tail:.0f} |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + f"\n\n{time.strftime('%Y-%m-%d')}\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
