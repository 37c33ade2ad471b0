"""BERTopic is imported without transformers and torch, and they stay importable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _in_fresh_process(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_bertopic_loads_without_transformers_or_torch():
    out = _in_fresh_process(
        "import sys\n"
        "from nlp.topics.library import load_bertopic\n"
        "bertopic = load_bertopic()\n"
        "from bertopic import BERTopic\n"
        "from bertopic.representation import KeyBERTInspired\n"
        "print(sorted(n for n in ('torch', 'transformers', 'sentence_transformers')"
        " if n in sys.modules))\n"
        "print([n for n in ('torch', 'transformers') if n in sys.modules])\n"
        "import torch\n"
        "print(torch.zeros(2).sum().item())\n"
    )
    loaded, marks, torch_sum = out.splitlines()
    assert loaded == "[]"
    assert marks == "[]"  # no absence mark is left behind
    assert torch_sum == "0.0"  # torch still imports afterwards


def test_a_process_that_already_loaded_torch_keeps_it():
    out = _in_fresh_process(
        "import sys, torch\n"
        "from nlp.topics.library import load_bertopic\n"
        "load_bertopic()\n"
        "print(sys.modules['torch'] is torch)\n"
    )
    assert out == "True"
