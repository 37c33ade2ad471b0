"""Where VoxSeg keeps per-machine caches (ONNX exports, compiled code)."""

from __future__ import annotations

import os
from pathlib import Path


def machine_cache_dir(name: str, override_variable: str) -> Path:
    """``$<override_variable>`` if set, else ``<XDG cache home or ~/.cache>/voxseg/<name>``."""
    override = os.environ.get(override_variable)
    if override:
        return Path(override).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "voxseg" / name
