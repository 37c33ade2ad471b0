"""Following a run in the terminal: one bar for the whole run, the stage, and the time left."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from segapp.models import SegmentationRun
from segapp.selectors.run_progress import run_progress


class RunBar:
    """A tqdm bar on stderr: the run's share done (stages weighed by cost), stage, time left."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.bar = tqdm(
            total=100, file=sys.stderr, leave=False, unit="%",
            bar_format="{l_bar}{bar}| {elapsed}{postfix}",
        )  # fmt: skip

    def show(self) -> SegmentationRun:
        """Read the run and redraw the bar; the run as read."""
        run = SegmentationRun.objects.get(pk=self.run_id)
        progress = run_progress(run)
        self.bar.n = round(progress.share * 100)
        self.bar.set_description(f"run #{run.pk} {progress.stage}", refresh=False)
        self.bar.set_postfix_str(progress.time_left or "estimating the time left", refresh=False)
        self.bar.refresh()
        return run

    def __call__(self, stage: str, fraction: float) -> None:
        """A pipeline progress callback: the run has stored its progress; show it."""
        self.show()

    def close(self) -> None:
        """Remove the bar."""
        self.bar.close()


def follow_run(run_id: int, *, poll: float = 0.5, timeout: float | None = None) -> SegmentationRun:
    """Show a run's progress on stderr until it finishes (or ``timeout`` seconds pass); the run."""
    bar = RunBar(run_id)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            run = bar.show()
            if run.is_finished or (deadline is not None and time.monotonic() > deadline):
                return run
            time.sleep(poll)
    finally:
        bar.close()
