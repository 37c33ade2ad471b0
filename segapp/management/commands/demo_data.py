"""`manage.py demo_data`: write the demo dataset (customers, documents, events, truth)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from nlp.datasets import generate_demo_dataset, write_demo_dataset


class Command(BaseCommand):
    help = (
        "Write realistic demo files with planted personas: customers.csv, documents.csv, "
        "events.csv, and truth.csv (the persona of each customer, never read by VoxSeg)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "demo"))
        parser.add_argument("--customers", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        dataset = generate_demo_dataset(n_customers=options["customers"], seed=options["seed"])
        paths = write_demo_dataset(dataset, Path(options["out"]))
        for name, path in paths.items():
            self.stdout.write(f"{name}={path}")
