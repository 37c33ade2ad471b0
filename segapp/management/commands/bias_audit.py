"""`manage.py bias_audit [--run ID|latest]`: compute a run's bias audit again and summarise it.

Prints the flagged segments (with their reasons), the proxy check per
attribute, and ends stdout with `bias audit: <summary>`, the line the run page
shows. Exit 1 with one line `error: ...` when the run does not exist, has not
succeeded, or the audit stopped on an error (logged).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from segapp.selectors.bias import bias_audit_view
from segapp.selectors.runs import RunNotFound, get_run
from segapp.services.bias import BiasAuditError, refresh_bias_audit


class Command(BaseCommand):
    help = "Compute a run's bias audit (sensitive attributes by segment, proxies); summarise it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--run", default="latest", help="Run id, or latest (default).")

    def handle(self, *args, **options) -> None:
        try:
            run = get_run(options["run"])
            audit = refresh_bias_audit(run)
        except (RunNotFound, BiasAuditError) as exc:
            self._fail(str(exc))
        if "error" in audit.result:
            self._fail(audit.result["error"])
        view = bias_audit_view(run, audit)
        self.stdout.write(
            f"run={run.pk} customers={view['n_customers']} audited_segments="
            f"{len(view['segments'])} small_segments={view['small_segments']} "
            f"k={view['min_group_size']} seconds={view['seconds']}"
        )
        for note in view["notes"]:
            self.stdout.write(f"note: {note}")
        for attribute in view["attributes"]:
            if attribute["status"] == "skipped":
                self.stdout.write(f"skipped {attribute['name']}: {attribute['note']}")
        for flag in view["flags"]:
            self.stdout.write(
                f"flag: segment {flag['segment']} ({flag['name']}) on {flag['attribute']}: "
                f"{flag['reason']}"
            )
        for item in view["proxy"]["attributes"]:
            self.stdout.write(f"proxy {item['attribute']}: {_proxy_line(item)}")
        self.stdout.write(f"bias audit: {view['summary']}")

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(1)


def _proxy_line(item: dict) -> str:
    if item.get("status") != "checked":
        return item.get("verdict", "not checked")
    parts = [f"{item['metric']} chance {item['baseline']:g}"]
    for key, label in (("from_segments", "segments"), ("from_features", "features")):
        side = item.get(key)
        if side:
            mark = " FLAG" if side["flagged"] else ""
            parts.append(f"{label} {side['score']:.3f} (lift {side['lift']:+.3f}){mark}")
    return " · ".join(parts)
