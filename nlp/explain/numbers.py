"""How figures are rounded and written, once, for every part of a persona."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def rounded(value: Any, digits: int = 4) -> float | None:
    """``value`` rounded, or None when missing or not finite."""
    if value is None or pd.isna(value) or not np.isfinite(value):
        return None
    return round(float(value), digits)


def fmt(value: float | None) -> str:
    """A figure in as few digits as reads well: 1,234 · 12.5 · 0.25."""
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
