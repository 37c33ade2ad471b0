"""`manage.py dsar export EXTERNAL_ID -o PATH` and `manage.py dsar erase EXTERNAL_ID` (SPEC §11).

`export` writes everything held and derived about one customer: JSON to PATH
and a readable HTML page beside it (PATH with the suffix .html). `erase`
removes the customer everywhere in the foreground, resuming an erasure that
stopped half-way, and ends stdout with `erased documents=N artifacts=M`
(exit 0 also when nothing was left to erase). `consent` records a decision.
Ids are pseudonymised on the way in with the deployment's key;
`--pseudonym` takes a pseudonym instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from segapp.services.privacy import access, consent, erasure
from segapp.services.pseudonyms import normalise_external_id, pseudonymise


class Command(BaseCommand):
    help = "Data-subject requests: export (access), erase, consent."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write everything held about one customer.")
        export.add_argument("customer", help="The customer's external id.")
        export.add_argument("-o", "--output", required=True, help="JSON file to write.")
        export.add_argument(
            "--format",
            choices=("both", "json", "html"),
            default="both",
            help="both (default): JSON at PATH and HTML beside it.",
        )
        erase = actions.add_parser("erase", help="Remove one customer everywhere.")
        erase.add_argument("customer", help="The customer's external id.")
        decide = actions.add_parser("consent", help="Record a segmentation consent decision.")
        decide.add_argument("customer", help="The customer's external id.")
        decide.add_argument("decision", choices=("give", "withdraw"))
        decide.add_argument("--reason", default="", help="Why (kept in the consent history).")
        for sub in (export, erase, decide):
            sub.add_argument(
                "--pseudonym",
                action="store_true",
                help="CUSTOMER is already a pseudonym, not an external id.",
            )

    def handle(self, *args, **options) -> None:
        pseudonym = _pseudonym(options["customer"], options["pseudonym"])
        if options["action"] == "export":
            self._export(pseudonym, Path(options["output"]), options["format"])
        elif options["action"] == "erase":
            self._erase(pseudonym)
        else:
            self._consent(pseudonym, options["decision"] == "give", options["reason"])

    def _export(self, pseudonym: str, output: Path, fmt: str) -> None:
        export = access.build_export(pseudonym)
        written = []
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            if fmt in ("both", "json"):
                path = output.with_suffix(".json") if output.suffix == ".html" else output
                path.write_text(access.render_json(export), encoding="utf-8")
                written.append(str(path))
            if fmt in ("both", "html"):
                path = output.with_suffix(".html") if fmt == "both" else output
                path.write_text(access.render_html(export), encoding="utf-8")
                written.append(str(path))
        except OSError as exc:
            self._fail(f"cannot write {output}: {exc.strerror or exc}")
        request = access.record_access(pseudonym, export, channel="cli")
        counts = access.export_counts(export)
        held = "yes" if export["held"] else "no"
        self.stderr.write(f"wrote {', '.join(written)}")
        self.stdout.write(
            f"exported held={held} documents={counts['documents']} events={counts['events']} "
            f"runs={counts['runs']} audit_entries={counts['audit_entries']} "
            f"request={request.request_id}"
        )

    def _erase(self, pseudonym: str) -> None:
        try:
            receipt = erasure.erase_customer(pseudonym, channel="cli")
        except Exception as exc:  # noqa: BLE001 - the request is kept and resumes on the next run
            self._fail(f"erasure stopped ({exc}); run the command again to resume it")
        finished = receipt.finished_at.isoformat()
        self.stderr.write(f"request={receipt.request_id} finished={finished}")
        documents = int(receipt.counts.get("documents", 0))
        self.stdout.write(
            f"erased documents={documents} artifacts={erasure.artifact_count(receipt.counts)}"
        )

    def _consent(self, pseudonym: str, consented: bool, reason: str) -> None:
        try:
            changed = consent.change_consent(pseudonym, consented, channel="cli", reason=reason)
        except consent.UnknownCustomer as exc:
            self._fail(str(exc))
        state = "given" if consented else "withdrawn"
        self.stdout.write(f"consent={state} changed={'yes' if changed else 'no'}")

    def _fail(self, message: str) -> None:
        self.stderr.write(f"error: {message}")
        sys.exit(1)


def _pseudonym(value: str, is_pseudonym: bool) -> str:
    if is_pseudonym:
        return value.strip().lower()
    return pseudonymise(normalise_external_id(value))
