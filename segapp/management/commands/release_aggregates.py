"""`manage.py release_aggregates [--run ID|latest] --epsilon E [--delta D] [--seed S]
[--format json|csv] [-o PATH]`: a differentially private release of a run's aggregates.

Writes the release (sizes, shares, means, topic counts) with ε, δ, mechanism
and sensitivity stated, paid from the privacy budget; the same request again
serves the stored release without paying. Exit 1 with one `error: ...` line
when the budget refuses, the run is unknown or the settings are invalid.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from segapp.selectors.exports import csv_lines
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services import dp


class Command(BaseCommand):
    help = "Release a run's sizes, shares, means and topic counts with differential privacy."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--run", default="latest", help="Run id, or latest (default).")
        parser.add_argument("--epsilon", type=float, required=True, help="ε of the release.")
        parser.add_argument(
            "--delta", type=float, default=0.0, help="δ (default 0: Laplace; above 0: Gaussian)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            help="Make the release reproducible: refused unless VOXSEG_DP_ALLOW_SEEDS (tests).",
        )
        parser.add_argument("--format", choices=("json", "csv"), default="json")
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")
        parser.add_argument(
            "--quantities",
            default=",".join(dp.QUANTITIES),
            help="Comma-separated: sizes,shares,means,topics (default: all).",
        )
        parser.add_argument(
            "--bounds",
            action="append",
            default=[],
            metavar="FEATURE=LOWER:UPPER",
            help="Declared bounds of a behavioural feature for its mean (repeatable).",
        )
        parser.add_argument(
            "--max-documents",
            type=int,
            default=dp.DEFAULT_MAX_DOCUMENTS,
            help="Documents counted per customer in topic counts (their sensitivity).",
        )

    def handle(self, *args, **options) -> None:
        try:
            run = get_run(options["run"])
            outcome = dp.release_run(
                run,
                epsilon=options["epsilon"],
                delta=options["delta"],
                seed=options["seed"],
                quantities=[q.strip() for q in options["quantities"].split(",") if q.strip()],
                bounds=dict(_bound(item) for item in options["bounds"]),
                max_documents_per_customer=options["max_documents"],
                requester="cli",
                scope="cli",
                channel="cli",
            )
        except (RunNotFound, dp.ReleaseError, dp.ReleaseRefused, dp.BudgetExceeded) as exc:
            self._fail(str(exc))
        document = dp.release_document(outcome.release, served_again=not outcome.created)
        self._write(document, options["format"], options["output"])
        budget = document["budget"]
        self.stderr.write(
            f"release={document['release']} run={run.pk} epsilon={document['epsilon']:g} "
            f"delta={document['delta']:g} mechanism={document['mechanism']} "
            f"served_again={'yes' if document['served_again'] else 'no'} "
            f"budget_epsilon={budget['epsilon_spent']:g}/{budget['epsilon_total']:g} "
            f"budget_delta={budget['delta_spent']:g}/{budget['delta_total']:g}"
        )

    def _write(self, document: dict, fmt: str, output: str | None) -> None:
        if fmt == "json":
            text = json.dumps(document, indent=2) + "\n"
        else:
            text = "".join(csv_lines(dp.release_rows(document), dp.RELEASE_ROW_FIELDS))
        if not output:
            self.stdout.write(text, ending="")
            return
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {' '.join(message.split())}")
        sys.exit(1)


def _bound(item: str) -> tuple[str, tuple[str, str]]:
    feature, sep, pair = item.partition("=")
    lower, colon, upper = pair.partition(":")
    if not sep or not colon or not feature.strip():
        raise dp.ReleaseError(f"--bounds takes FEATURE=LOWER:UPPER, not {item!r}.")
    return feature.strip(), (lower, upper)
