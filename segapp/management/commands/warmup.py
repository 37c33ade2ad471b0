"""`manage.py warmup`: prepare this machine's caches so the first run does not pay for them.

Exports the embedding model to ONNX (once per model) and compiles the numba
code of UMAP, NN-descent and HDBSCAN into its disk cache (:mod:`nlp.compiled`).
`make install` runs it; running it again is quick and harmless.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Export the embedding model and compile UMAP/HDBSCAN code once for this machine."
    # Django's system checks load every URL module and view (1-2 s) and check nothing
    # this command uses; `manage.py check` and the web server still run them.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        from nlp.compiled import compiled_cache_dir, warm_up
        from nlp.embed import make_embedder

        started = time.perf_counter()
        make_embedder().encode(["Warming up the embedding model."])
        embedded = time.perf_counter() - started
        compiled = warm_up()
        self.stdout.write(
            f"embedding model ready in {embedded:.1f} s; compiled code ready in {compiled:.1f} s "
            f"(kept in {compiled_cache_dir()})"
        )
