"""Worker scaling: the same run with 1 and with 2 Celery worker processes, each pinned to one core.

Production mode as deployed: PostgreSQL, Redis as the broker, real `celery worker`
processes (`--pool solo`, one task at a time, pinned with `taskset`, so each uses
exactly one core; ONNX Runtime and numba follow the affinity). For each worker
count: a fresh database, the demo data imported, workers started and warmed up,
then `manage.py segment --wait` timed from queueing to the end. The embedding
stage is split into tasks of `VOXSEG_EMBED_CHUNK` texts that any worker takes;
the analysis that follows runs in one worker. Reports wall seconds of the embedding
stage (queued → last chunk done) and of the whole run, and the speed-up.
Writes bench/results/workers.md. Usage: bench_workers.py [--customers 3000]
Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "workers.md"
DATABASE = "voxseg_bench_workers"


def environment(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "CACHE_URL": "redis://127.0.0.1:6379/12",
        "VOXSEG_VAR_DIR": str(var),
        "VOXSEG_DATA_DIR": str(var / "data"),
        "HF_HUB_OFFLINE": "1",
        "SECRET_KEY": "bench-workers-secret-key-0123456789abcdef",
        "PSEUDONYM_KEY": "bench-workers-pseudonym-key-0123456789",
    }
    env.pop("VOXSEG_TESTING", None)
    return env


def fresh_database(env: dict[str, str]) -> None:
    for command in (["dropdb", "--if-exists", DATABASE], ["createdb", DATABASE]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres"], check=True)
    migrate = [sys.executable, "manage.py", "migrate", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    subprocess.run(["redis-cli", "-n", "13", "flushdb"], check=True, capture_output=True)
    subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, capture_output=True)


def start_workers(count: int, env: dict[str, str], log: Path) -> list[subprocess.Popen]:
    from segapp.celery import ALL_QUEUES

    workers = []
    for core in range(count):
        command = [
            "taskset", "-c", str(core), sys.executable, "-m", "celery", "-A", "segapp", "worker",
            "--pool", "solo", "--loglevel", "warning", "--without-gossip", "--without-mingle",
            "--hostname", f"bench{core}@%h", "--queues", ALL_QUEUES,
        ]  # fmt: skip
        handle = (log / f"worker{core}.log").open("w")
        worker_env = {**env, "OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}
        workers.append(subprocess.Popen(command, cwd=ROOT, env=worker_env, stderr=handle))
    return workers


def wait_ready(count: int, env: dict[str, str]) -> None:
    """Until `count` workers answer a ping (they answer once warmed up)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        done = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "segapp", "inspect", "ping", "--timeout", "2"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if done.stdout.count("pong") >= count:
            return
        time.sleep(2)
    raise RuntimeError(f"{count} workers did not start")


def measure(count: int, files: dict[str, Path], work: Path) -> dict[str, float]:
    var = work / f"var-{count}"
    subprocess.run(["rm", "-rf", str(var)], check=True)
    var.mkdir(parents=True)
    env = environment(var)
    fresh_database(env)
    manage = [sys.executable, "manage.py"]
    for kind in ("customers", "documents"):
        subprocess.run([*manage, "import", str(files[kind]), "--type", kind], cwd=ROOT, env=env,
                       check=True, capture_output=True)  # fmt: skip
    workers = start_workers(count, env, var)
    try:
        wait_ready(count, env)
        started = time.perf_counter()
        subprocess.run([*manage, "segment", "--wait"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        total = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}") as db:
        created, started_at, finished, to_embed, analyse = db.execute(
            "select created_at, started_at, finished_at, stage_progress->>'to_embed', "
            "(timings->>'sentiment')::float + (timings->>'topics')::float + "
            "(timings->>'segments')::float from segapp_segmentationrun order by id desc limit 1"
        ).fetchone()
    return {"total_s": total, "to_embed": float(to_embed or 0), "analyse_stages_s": analyse,
            "run_s": (finished - created).total_seconds()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=3000)
    n = parser.parse_args().customers
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_pipeline import WORK, dataset

    files = dataset(n)
    rows = {count: measure(count, files, WORK / "workers") for count in (1, 2)}
    one = rows[1]["total_s"]
    lines = [
        "# Worker scaling",
        "",
        f"Demo data, {n:,} customers, {int(rows[1]['to_embed']):,} texts to embed; PostgreSQL + "
        "Redis; `celery worker --pool solo` processes, each pinned to one core with `taskset`; "
        "workers warmed up before the run; `segment --wait` timed from queueing to the end.",
        "",
        "| worker processes | run s | speed-up | sentiment + topics + segments s | "
        "the rest (embedding chunks, queueing, loading, saving) s |",
        "|---|---|---|---|---|",
    ]
    for count, row in rows.items():
        lines.append(
            f"| {count} | {row['total_s']:.0f} | {one / row['total_s']:.2f}× | "
            f"{row['analyse_stages_s']:.0f} | {row['total_s'] - row['analyse_stages_s']:.0f} |"
        )
    lines += [
        "",
        "Embedding is split into chunk tasks that every worker takes; the analysis after it "
        "runs in one worker, so only the embedding part scales with workers here.",
        "",
        time.strftime("%Y-%m-%d"),
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
