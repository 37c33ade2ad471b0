"""`manage.py rectify EXTERNAL_ID`: correct a customer's data (a rectification request).

Usage: `rectify EXTERNAL_ID [--set NAME=VALUE ...] [--unset NAME ...] [--document ID --text TEXT]`.

Corrects one customer's attributes and/or one document's text through the
same service as the privacy pages and the API, and prints one receipt line
`rectified customer fields=N documents=M request=<uuid>`. Exit 1 with one
line `error: ...` for an unknown customer or input that cannot be applied.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from segapp.services.privacy.rectify import (
    RectificationError,
    UnknownCustomer,
    UnknownDocument,
    rectify,
)
from segapp.services.pseudonyms import normalise_external_id, pseudonymise


class Command(BaseCommand):
    help = "Correct a customer's attributes or a document's text (rectification request)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("external_id", help="The customer's id as in your files.")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            dest="set_values",
            metavar="NAME=VALUE",
            help="Correct an attribute, e.g. --set spend_12m=120.5 (repeatable).",
        )
        parser.add_argument(
            "--unset",
            action="append",
            default=[],
            metavar="NAME",
            help="Remove an attribute (repeatable).",
        )
        parser.add_argument("--document", metavar="ID", help="A document of the customer.")
        parser.add_argument("--text", help="The document's corrected text.")

    def handle(self, *args, **options) -> None:
        try:
            changes = _changes(options["set_values"], options["unset"])
            texts = _texts(options["document"], options["text"])
            request = rectify(
                pseudonymise(normalise_external_id(options["external_id"])),
                changes=changes,
                texts=texts,
                channel="cli",
            )
        except (RectificationError, UnknownCustomer, UnknownDocument) as exc:
            self.stderr.write(f"error: {' '.join(str(exc).split())}")
            sys.exit(1)
        self.stdout.write(
            f"rectified customer fields={request.counts.get('fields', 0)} "
            f"documents={request.counts.get('documents', 0)} request={request.request_id}"
        )


def _changes(pairs: list[str], unset: list[str]) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise RectificationError(f"--set takes NAME=VALUE, not {pair!r}.")
        changes[name.strip()] = value
    for name in unset:
        if name.strip() in changes:
            raise RectificationError(f"{name.strip()!r} is both set and unset.")
        changes[name.strip()] = None
    return changes


def _texts(document: str | None, text: str | None) -> dict[str, str]:
    if document is None and text is None:
        return {}
    if document is None or text is None:
        raise RectificationError("--document and --text go together.")
    return {document: text}
