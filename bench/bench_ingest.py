"""Ingestion benchmark: 100,000 document rows through `manage.py import`, SQLite and PostgreSQL.

Each measurement runs in a fresh process on a fresh database and reports wall
time and peak RSS. The plain baseline in the same run is what a bare script
would do with the same file: csv.DictReader + bulk_create, with no validation,
pseudonymisation, redaction or deduplication. Peak memory at 10,000 and
100,000 rows shows whether reading is streamed (constant memory).
Writes bench/results/ingest.md.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results" / "ingest.md"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SIZES = (10_000, 100_000)


def make_file(rows: int) -> Path:
    """A documents CSV of realistic demo text, `rows` long (generated once, then reused)."""
    path = DATA / f"documents-{rows}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT))
    from nlp.datasets import generate_demo_dataset

    DATA.mkdir(parents=True, exist_ok=True)
    dataset = generate_demo_dataset(n_customers=max(rows // 4, 1000), seed=11)
    documents = dataset.documents
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(documents[0]), extrasaction="ignore")
        writer.writeheader()
        for i in range(rows):
            row = dict(documents[i % len(documents)])
            if i >= len(documents):  # vary repeats so they are new documents, not duplicates
                row["text"] = f"{row['text']} (#{i // len(documents)})"
            writer.writerow(row)
    return path


def fresh_database(backend: str, tag: str) -> str:
    if backend == "sqlite":
        path = DATA / f"bench-{tag}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = f"voxseg_bench_{tag}"
    import psycopg

    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def measure(mode: str, backend: str, path: Path, rows: int) -> dict:
    url = fresh_database(backend, f"{mode}_{rows}")
    env = {**os.environ, "DATABASE_URL": url, "VOXSEG_DATA_DIR": str(DATA / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ingest_child.py"), mode, str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    backends = ["sqlite"]
    try:
        fresh_database("postgres", "probe")
        backends.append("postgres")
    except Exception as exc:  # no server: report SQLite only
        print(f"PostgreSQL not available ({exc}); SQLite only")
    lines = [
        "# Ingestion benchmark",
        "",
        "Document rows of demo text (review/survey/social, 3-5% with PII) imported through",
        "`manage.py import` on a fresh database; the baseline is csv.DictReader + bulk_create",
        "with no validation, pseudonymisation, redaction or deduplication, in the same run.",
        "",
        "| backend | rows | pipeline | import s | rows/s | whole process s | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for rows in SIZES:
        path = make_file(rows)
        for backend in backends:
            for mode in ("voxseg", "baseline"):
                r = measure(mode, backend, path, rows)
                line = (
                    f"| {backend} | {rows:,} | {mode} | {r['seconds']:.1f} | "
                    f"{rows / r['seconds']:,.0f} | {r['process_seconds']:.1f} | "
                    f"{r['peak_rss_mb']:.0f} |"
                )
                print(line, flush=True)
                lines.append(line)
    lines += ["", f"Machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}.", ""]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
