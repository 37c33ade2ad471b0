"""Text-cache benchmark: the run after an import of customers without text, against the first run.

On the demo data (fresh process, fresh SQLite database): import customers and
documents, `segment --foreground`; then import as many again customers with
behaviour and no text, and `segment --foreground` again. The second run cannot
reuse the first run's results (the customers changed) but takes sentiment,
topics and sentiment per topic of the unchanged texts from it. Reports both
runs' wall times and stage timings. Writes bench/results/text_cache.md.
Usage: bench_text_cache.py [--customers 3000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import ROOT, WORK, dataset, timed  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "text_cache.md"
TEXT_STAGES = ("sentiment", "topics")


def textless_customers(source: Path, target: Path) -> int:
    """The customers of `source` again under new ids, as customers who never wrote anything."""
    with source.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    with target.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({**row, "customer_id": f"LATE-{i:06d}"})
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=3000)
    n = parser.parse_args().customers
    files = dataset(n)
    var = WORK / f"var-text-cache-{n}"
    subprocess.run(["rm", "-rf", str(var)], check=True)
    env = {**os.environ, "VOXSEG_VAR_DIR": str(var), "HF_HUB_OFFLINE": "1"}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "VOXSEG_DATA_DIR"):
        env.pop(name, None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    for kind in ("customers", "documents"):
        timed([*manage, "import", str(files[kind]), "--type", kind], env)
    segment = [*manage, "segment", "--foreground", "--set", "stability_resamples=0"]
    first_s, _, _ = timed(segment, env)
    late = textless_customers(files["customers"], var / "late_customers.csv")
    timed([*manage, "import", str(var / "late_customers.csv"), "--type", "customers"], env)
    second_s, _, _ = timed(segment, env)

    db = sqlite3.connect(var / "voxseg.sqlite3")
    runs = db.execute(
        "select id, n_customers, n_documents, timings, notes, sentiment "
        "from segapp_segmentationrun order by id"
    ).fetchall()
    (_, n1, docs, t1, _, sentiment), (_, n2, _, t2, notes, _) = runs
    t1, t2 = json.loads(t1), json.loads(t2)
    scorer = json.loads(sentiment).get("scorer")
    reused = [note for note in json.loads(notes) if "were reused" in note]
    text1, text2 = (sum(t.get(s, 0.0) for s in TEXT_STAGES) for t in (t1, t2))
    lines = [
        "# Text-cache benchmark",
        "",
        "Demo data, fresh SQLite database, `segment --foreground --set stability_resamples=0`;",
        "2 shared cores, no GPU. Second run: after importing as many customers again with",
        "behaviour and no text (the whole-run result cache cannot apply: the customers changed).",
        "",
        "| run | customers | documents | scorer | run s | sentiment s | topics s | text stages s |",
        "|---|---|---|---|---|---|---|---|",
        f"| first | {n1:,} | {docs:,} | {scorer} | {first_s:.0f} | {t1['sentiment']:.1f} | "
        f"{t1['topics']:.1f} | {text1:.1f} |",
        f"| after importing {late:,} customers without text | {n2:,} | {docs:,} | {scorer} | "
        f"{second_s:.0f} | {t2['sentiment']:.2f} | {t2['topics']:.2f} | {text2:.2f} |",
        "",
        "Stage timings (seconds):",
        "",
        "- first: " + ", ".join(f"{k} {v:.1f}" for k, v in t1.items()),
        "- second: " + ", ".join(f"{k} {v:.2f}" for k, v in t2.items()),
        "",
        f"Note on the second run: {reused[0] if reused else '(none: nothing was reused)'}",
        "",
        time.strftime("%Y-%m-%d"),
    ]
    RESULTS.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
