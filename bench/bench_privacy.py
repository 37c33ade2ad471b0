"""Privacy benchmark: how long consent changes, access exports, erasures and a retention sweep take.

Builds a fresh SQLite database under bench/data/privacy/ with finished runs of
10,000 customers written straight into it (`tests.web.factories.build_persona_run`,
as the page benchmark does), plus stored chat answers, since an erasure scans
every run's profiles and topics and every stored answer. Then times, per
customer: an opt-out (withdrawal from every run), an access export (JSON and
HTML), an erasure (all steps), and one retention sweep of a month of documents.
The baseline in the same run is a plain `Customer.delete()` (the cascade
Django gives for free, which leaves quotes, profiles, chat answers and model
files behind). Writes bench/results/privacy.md.

Usage: bench_privacy.py [--customers 10000] [--runs 3] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta
from pathlib import Path

from _django import fresh_django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "data" / "privacy"
RESULTS = ROOT / "bench" / "results" / "privacy.md"


def setup_django() -> None:
    fresh_django(WORK)


def timed(action, subjects) -> list[float]:
    """Milliseconds of `action(subject)` for each subject."""
    spent = []
    for subject in subjects:
        start = time.perf_counter()
        action(subject)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from segapp.models import ChatMessage, Conversation, Customer, Document, Membership
    from segapp.services.privacy import access, consent, erasure, retention
    from tests.web.factories import build_persona_run

    started = time.perf_counter()
    runs = [build_persona_run(args.customers, seed=seed) for seed in range(args.runs)]
    built_s = time.perf_counter() - started
    user = get_user_model().objects.create(username="bench")
    conversation = Conversation.objects.create(user=user, run=runs[-1])
    quoted = list(Document.objects.values_list("pk", "text")[:2000])
    ChatMessage.objects.bulk_create(
        ChatMessage(
            conversation=conversation,
            question=f"show me quotes {i}",
            response={"answer": "Quotes below.", "quotes": [{"document": pk, "text": text}]},
        )
        for i, (pk, text) in enumerate(quoted)
    )
    members = list(
        Membership.objects.filter(run=runs[-1]).values_list("customer__pseudonym", flat=True)
    )
    step = max(1, len(members) // (4 * args.repeat + 1))
    picks = members[::step]
    opt_outs, exports, erasures, plain = (
        picks[: args.repeat],
        picks[args.repeat : 2 * args.repeat],
        picks[2 * args.repeat : 3 * args.repeat],
        picks[3 * args.repeat : 4 * args.repeat],
    )

    rows = []

    def record(name: str, spent: list[float], note: str) -> None:
        rows.append((name, statistics.median(spent), max(spent), note))

    record(
        "opt-out (withdraw from every run)",
        timed(lambda p: consent.change_consent(p, False), opt_outs),
        f"{args.runs} runs, {ChatMessage.objects.count()} stored chat answers scanned",
    )

    def export(p: str) -> None:
        data = access.build_export(p)
        access.render_json(data)
        access.render_html(data)

    record("access export (JSON + HTML)", timed(export, exports), "")
    receipts = []
    record(
        "erasure, every step",
        timed(lambda p: receipts.append(erasure.erase_customer(p)), erasures),
        "suppression mark, withdraw, models, documents, audit, customer",
    )
    record(
        "baseline: Customer.delete() cascade",
        timed(lambda p: Customer.objects.filter(pseudonym=p).delete(), plain),
        "leaves quotes, profiles, chat answers and model files behind",
    )
    newest = Document.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    cutoff_days = (timezone.now() - (newest - timedelta(days=330))).days
    from django.conf import settings

    settings.VOXSEG_RETENTION_DAYS = {"documents": cutoff_days}
    start = time.perf_counter()
    sweep = retention.enforce()
    sweep_ms = (time.perf_counter() - start) * 1000
    rows.append(
        (
            "retention sweep (documents older than a cutoff)",
            sweep_ms,
            sweep_ms,
            f"{sweep.counts.get('documents', 0)} documents removed",
        )
    )

    artifacts = statistics.median(erasure.artifact_count(r.counts) for r in receipts)
    lines = [
        "# Privacy operations",
        "",
        f"{args.runs} finished runs of {args.customers:,} customers each, written straight into "
        f"SQLite (built in {built_s:.0f} s); {len(quoted):,} stored chat answers quoting "
        f"documents. Median and worst of {args.repeat} customers each; one retention sweep. "
        f"An erasure removed or rewrote a median of {artifacts:.0f} derived records.",
        "",
        "| operation | median ms | worst ms | notes |",
        "|---|---|---|---|",
        *[f"| {name} | {mid:.0f} | {worst:.0f} | {note} |" for name, mid, worst, note in rows],
        "",
        "Produced by `bench/bench_privacy.py` (`make bench`).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
