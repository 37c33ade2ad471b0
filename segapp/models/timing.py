"""What every long-running job row (imports, runs) says about its own timing."""

from __future__ import annotations


class WallTime:
    """Mixin for models with `started_at` and `finished_at`: the wall time in between."""

    @property
    def duration_seconds(self) -> float | None:
        """Wall time from start to end, or None before it ended."""
        if not (self.started_at and self.finished_at):
            return None
        return (self.finished_at - self.started_at).total_seconds()
