"""Tests for nlp.embed: the embedding backends and their promises to the pipeline.

The ONNX cache is a fresh folder per test session (``tmp_path_factory``), never
the user's cache: every run exercises the export from the local model folder,
offline, by two processes racing for it. Tests marked ``slow`` load the real
model; they share one embedder per backend through module-scoped fixtures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from nlp.datasets import generate_demo_dataset
from nlp.embed import (
    BACKENDS,
    DEFAULT_BACKEND,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    default_cache_dir,
    default_model_path,
    make_embedder,
)

REPO = Path(__file__).resolve().parents[2]
DIMENSION = 384

# Runs in a separate process: embeds one text with the default backend and says
# what it had to do. A proxy that refuses every connection makes any download fail.
CHILD = textwrap.dedent(
    """
    import json, logging, sys, time
    from pathlib import Path
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logging.getLogger("nlp.embed").addHandler(handler)
    logging.getLogger("nlp.embed").setLevel(logging.INFO)
    started = time.perf_counter()
    from nlp.embed import make_embedder
    vector = make_embedder("onnx-int8", cache_dir=Path(sys.argv[1])).encode([sys.argv[2]])[0]
    print(json.dumps({
        "seconds": time.perf_counter() - started,
        "wrote": [m for m in messages if m.startswith("wrote")],
        "torch_imported": "torch" in sys.modules,
        "vector": vector.tolist(),
    }))
    """
)
PROBE = "The parcel arrived two days late but the kettle works fine."


def _offline_env() -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(REPO))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env[name] = "http://127.0.0.1:9"
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    return env


def _start_child(cache_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(cache_dir), PROBE],
        cwd=REPO,
        env=_offline_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _child_report(child: subprocess.Popen) -> dict:
    out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _onnx_files(cache_dir: Path) -> dict[str, int]:
    return {str(p.relative_to(cache_dir)): p.stat().st_mtime_ns for p in cache_dir.rglob("*.onnx")}


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A fresh ONNX cache filled by two offline processes racing to export the model."""
    cache_dir = tmp_path_factory.mktemp("onnx-cache")
    started = time.perf_counter()
    children = [_start_child(cache_dir), _start_child(cache_dir)]
    reports = [_child_report(child) for child in children]
    print(
        f"\nONNX export + int8 quantisation by two racing processes: {time.perf_counter() - started:.1f} s"
    )
    return cache_dir, reports


@pytest.fixture(scope="module")
def default_embedder(onnx_cache):
    return make_embedder(cache_dir=onnx_cache[0])


@pytest.fixture(scope="module")
def fp32_embedder():
    return make_embedder("fp32")


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """~200 varied texts: reviews, surveys, social posts with emoji, typos, other languages."""
    texts = [doc["text"] for doc in generate_demo_dataset(n_customers=60, seed=11).documents]
    long_text = " ".join(["The zip broke after a week and support never answered."] * 30)
    return texts[:195] + ["", "ok", "Très bon produit, livraison rapide 👍", long_text, "5/5!!!"]


@pytest.fixture(scope="module")
def fp32_vectors(fp32_embedder, sentences) -> np.ndarray:
    return fp32_embedder.encode(sentences)


@pytest.fixture(scope="module")
def default_vectors(default_embedder, sentences) -> np.ndarray:
    return default_embedder.encode(sentences)


# No model needed ---------------------------------------------------------------------


def test_default_model_path_is_the_packaged_model_folder():
    path = default_model_path()
    assert path.name == "model"
    assert (path / "model.safetensors").exists()
    assert (path / "tokenizer.json").exists()


def test_default_backend_is_a_known_backend():
    assert DEFAULT_BACKEND in BACKENDS
    assert DEFAULT_BACKEND == "onnx-int8"


def test_empty_input_gives_zero_rows_without_loading_a_model():
    for backend in BACKENDS:
        vectors = make_embedder(backend, model_path=default_model_path()).encode([])
        assert vectors.shape == (0, DIMENSION)
        assert vectors.dtype == np.float32


def test_constructing_an_embedder_does_no_work():
    embedder = make_embedder("onnx-int8", model_path=Path("/no/such/model"), cache_dir=Path("/x"))
    assert isinstance(embedder, OnnxEmbedder)
    with pytest.raises(FileNotFoundError):
        embedder.encode(["hello"])


def test_unknown_backend_is_refused_by_name():
    with pytest.raises(ValueError, match="onnx-int8"):
        make_embedder("onnx")


@pytest.mark.parametrize(
    "embedder", [OnnxEmbedder(quantize="int4"), SentenceTransformerEmbedder(quantize="fp16")]
)
def test_an_unknown_quantisation_is_refused_on_first_use(embedder):
    with pytest.raises(ValueError, match="quantize"):
        embedder.encode(["hello"])


def test_a_single_string_is_refused():
    with pytest.raises(TypeError):
        make_embedder().encode("not a list")


def test_model_id_differs_between_backends_and_is_stable():
    ids = [make_embedder(backend).model_id for backend in BACKENDS]
    assert len(set(ids)) == len(BACKENDS)
    assert ids == [make_embedder(backend).model_id for backend in BACKENDS]
    assert all(
        i.startswith("all-MiniLM-L6-v2@") and i.endswith(b)
        for i, b in zip(ids, BACKENDS, strict=True)
    )
    print("\nmodel ids:", ids)


def test_cache_dir_can_be_moved_by_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOXSEG_MODEL_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("VOXSEG_MODEL_CACHE")
    assert default_cache_dir().parts[-2:] == ("voxseg", "onnx")


# Real model --------------------------------------------------------------------------


@pytest.mark.slow
def test_racing_processes_export_once_offline(onnx_cache):
    cache_dir, reports = onnx_cache
    writes = [message for report in reports for message in report["wrote"]]
    assert sorted(Path(m.split()[1]).name for m in writes) == ["model.int8.onnx", "model.onnx"]
    assert sorted(Path(name).name for name in _onnx_files(cache_dir)) == [
        "model.int8.onnx",
        "model.onnx",
    ]
    np.testing.assert_allclose(reports[0]["vector"], reports[1]["vector"], atol=1e-6)
    print("\nracing processes:", [round(r["seconds"], 1) for r in reports], "s;", writes)


@pytest.mark.slow
def test_cached_export_is_reused_by_a_new_process_without_torch(onnx_cache, default_embedder):
    cache_dir, _ = onnx_cache
    before = _onnx_files(cache_dir)
    report = _child_report(_start_child(cache_dir))
    in_process = default_embedder.encode([PROBE])[0]
    assert report["wrote"] == []
    assert not report["torch_imported"]
    assert _onnx_files(cache_dir) == before
    np.testing.assert_allclose(report["vector"], in_process, atol=1e-6)
    print(f"\nnew process with a warm cache: {report['seconds']:.1f} s to the first vector")


@pytest.mark.slow
def test_vectors_are_unit_float32_rows(default_vectors, sentences):
    assert default_vectors.shape == (len(sentences), DIMENSION)
    assert default_vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(default_vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_returns_unit_float32_rows(backend, onnx_cache):
    vectors = make_embedder(backend, cache_dir=onnx_cache[0]).encode(["good", "bad value", "meh"])
    assert vectors.shape == (3, DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_identical_texts_give_identical_vectors(default_embedder, default_vectors, sentences):
    text = sentences[3]
    together = default_embedder.encode([text, "short", text, sentences[10] * 3, text])
    assert np.array_equal(together[0], together[2])
    assert np.array_equal(together[0], together[4])
    # Even next to other texts (other batch, other padding) the vector is the same.
    np.testing.assert_allclose(together[0], default_vectors[3], atol=1e-6)


@pytest.mark.slow
def test_default_backend_stays_close_to_fp32(default_vectors, fp32_vectors):
    cosines = _cosines(default_vectors, fp32_vectors)
    print(
        f"\n{DEFAULT_BACKEND} vs fp32: mean cosine {cosines.mean():.4f}, worst {cosines.min():.4f}"
    )
    assert cosines.mean() >= 0.98
    assert cosines.min() >= 0.9


@pytest.mark.slow
def test_onnx_export_reproduces_torch_on_padded_batches(onnx_cache, fp32_vectors, sentences):
    vectors = make_embedder("onnx-fp32", cache_dir=onnx_cache[0]).encode(sentences)
    cosines = _cosines(vectors, fp32_vectors)
    print(f"\nonnx-fp32 vs fp32: mean cosine {cosines.mean():.6f}, worst {cosines.min():.6f}")
    assert cosines.min() >= 0.9999


@pytest.mark.slow
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(default_embedder):
    triples = [
        (
            "The delivery was late and the parcel was damaged.",
            "My package arrived days late and the box was crushed.",
            "I love the colour of this wool sweater.",
        ),
        (
            "Great value for money, I would buy it again.",
            "Cheap price and good quality, will order another.",
            "The app keeps logging me out when I check my orders.",
        ),
        (
            "These organic cotton towels are made sustainably.",
            "Eco-friendly towels from responsibly grown cotton.",
            "The screen of my new phone cracked on day one.",
        ),
    ]
    for anchor, paraphrase, unrelated in triples:
        a, p, u = default_embedder.encode([anchor, paraphrase, unrelated])
        assert a @ p > a @ u + 0.2, (anchor, float(a @ p), float(a @ u))
