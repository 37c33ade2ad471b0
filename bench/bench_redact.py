"""Benchmark PII redaction: Redactor (pre-filter + recognisers) against recognisers on every text.

Generates 100,000 short review-like texts, about 5% of them with PII, times
``Redactor.redact_many`` over all of them, then times the same engine with the
pre-filter disabled on a 2,000-text subset and extrapolates. Writes a markdown
table to ``bench/results/redact.md``. The PII uses the demo formats and formats
no validity check accepts (addresses at reserved domains, unallocated numbers,
cards failing Luhn, cards grouped with slashes or double spaces), and ``planted
PII left`` counts the values that survive.

Run from the repository root: ``python bench/bench_redact.py [--docs N]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.redact import Redactor, _could_contain_pii  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "redact.md"
SEED = 20240607

PRODUCTS = [
    "kettle", "blender", "hoodie", "phone case", "sofa", "desk lamp", "running shoes",
    "coffee grinder", "air fryer", "duvet", "backpack", "vacuum", "toaster", "jacket",
]  # fmt: skip
OPENERS = [
    "Great {p}, really happy with it.",
    "The {p} arrived broken and the box was soaked.",
    "Love this {p}! Would buy again.",
    "Not worth £{price}, the {p} feels cheap.",
    "Delivery took {n} days, {r}/5 for the {p}.",
    "Ordered the {p} in {month} {year}, still going strong.",
    "Order {order} was missing the {p} lid.",
    "Bought {n} of these for the family, {r} stars.",
    "Will do a longer review after a month with the {p}.",
    "Mark my words, this {p} outlasts anything from Amazon.",
    "Customer service sorted my {p} refund in {n} days.",
    "Colour is darker than the photos, {p} fits fine though.",
    "Hope they restock the blue {p} soon.",
    "Great value at ${price}, the {p} does the job.",
    "Returned the {p} on {day}/{mon}/{year}, refund still pending.",
    "Apple should take notes, this {p} is brilliant.",
    "June sale price was £{price}, bargain for a {p}.",
]
FOLLOWERS = [
    "", " Five stars.", " Packaging could be better.", " Recommended!", " 10/10.",
    " Courier was polite.", " Size runs small.", " Instructions were clear.",
]  # fmt: skip
MONTHS = ["January", "March", "May", "June", "September", "November"]
PII_MAKERS = [
    lambda rng: f" Email me at {rng.choice(['jane', 'tom.k', 'priya88'])}@gmail.com please.",
    lambda rng: (
        f" Write to {rng.choice(['jane', 'tom.k'])}@{rng.choice(['shop.test', 'mail.example'])}."
    ),
    lambda rng: f" Mobile +31 6 {rng.randint(10000000, 99999999)} after six.",
    lambda rng: f" Landline 55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}.",
    lambda rng: f" Card 4388 3478 {rng.randint(10000, 99999)} was charged twice.",
    lambda rng: f" Call me on 07700 900{rng.randint(100, 999)}.",
    lambda rng: f" My number is +1-202-555-0{rng.randint(100, 199)}.",
    lambda rng: " Charged twice on 4111 1111 1111 1111!",
    lambda rng: f" Card 4619/0697/{rng.randint(1000, 9999)}/8247 was declined.",
    lambda rng: f" Full number is 5274  1180  {rng.randint(1000, 9999)}  9067 sorry.",
    lambda rng: f" WhatsApp 11 9 8765 {rng.randint(1000, 9999)} please.",
    lambda rng: " Refund to GB82 WEST 1234 5698 7654 32 please.",
    lambda rng: f" Blocked from 192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)} again.",
    lambda rng: f" See https://facebook.com/user.{rng.randint(1000, 9999)} for photos.",
    lambda rng: f" Thanks, {rng.choice(['Sarah', 'Mohammed', 'Emily Clarke', 'Tom'])}",
    lambda rng: f" cc @{rng.choice(['jenny_k', 'dan_reviews', 'shopHelp'])}",
]


def make_texts(
    n: int, *, pii_share: float = 0.05, seed: int = SEED
) -> tuple[list[str], list[str | None]]:
    """Short review-like texts, and for each the PII value planted in it (or None).

    About ``pii_share`` of the texts carry one PII value.
    """
    rng = random.Random(seed)
    texts: list[str] = []
    planted: list[str | None] = []
    for _ in range(n):
        text = rng.choice(OPENERS).format(
            p=rng.choice(PRODUCTS),
            price=f"{rng.randint(5, 300)}.{rng.randint(0, 99):02d}",
            n=rng.randint(1, 9),
            r=rng.randint(1, 5),
            month=rng.choice(MONTHS),
            year=rng.randint(2019, 2025),
            order=rng.randint(10000, 999999),
            day=rng.randint(1, 28),
            mon=rng.randint(1, 12),
        )
        text += rng.choice(FOLLOWERS)
        value = None
        if rng.random() < pii_share:
            sentence = rng.choice(PII_MAKERS)(rng)
            value = _VALUE.search(sentence).group()
            text += sentence
        texts.append(text)
        planted.append(value)
    return texts, planted


# The planted value in a PII sentence: an address, a number, a URL, a handle, a name.
_VALUE = re.compile(
    r"\S+@\S+\w|\+?\d[\d ./-]{6,}\d|https?://\S+\w|@\w+|(?<=, )[A-Z][a-z]+(?: [A-Z][a-z]+)?"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--subset", type=int, default=2_000)
    args = parser.parse_args()

    texts, planted = make_texts(args.docs)
    redactor = Redactor()
    full = Redactor(prefilter=False)

    started = time.perf_counter()
    redactor.redact(texts[0] + " jane@gmail.com")  # reads the name dictionary and phone metadata
    warmup_s = time.perf_counter() - started

    started = time.perf_counter()
    redacted = redactor.redact_many(texts)
    fast_s = time.perf_counter() - started
    changed = sum(r.text != t for r, t in zip(redacted, texts, strict=True))
    with_pii = [(v, r.text) for v, r in zip(planted, redacted, strict=True) if v is not None]
    left = sum(value in text for value, text in with_pii)
    sent_on = sum(_could_contain_pii(t, names=True) for t in texts)

    subset = texts[: args.subset]
    started = time.perf_counter()
    full_subset = full.redact_many(subset)
    full_s = time.perf_counter() - started
    assert full_subset == redacted[: args.subset], "pre-filter changed an output"
    full_estimate_s = full_s / len(subset) * len(texts)

    rows = [
        ("texts", f"{len(texts):,}"),
        ("texts changed by redaction", f"{changed:,} ({changed / len(texts):.1%})"),
        ("planted PII values left in the redacted text", f"{left:,} of {len(with_pii):,}"),
        (
            "texts passed on to the recognisers by the pre-filter",
            f"{sent_on:,} ({sent_on / len(texts):.1%})",
        ),
        ("engine build (first call, one-off)", f"{warmup_s:.2f} s"),
        ("Redactor.redact_many, all texts", f"{fast_s:.2f} s"),
        ("Redactor per text", f"{fast_s / len(texts) * 1000:.3f} ms"),
        ("Redactor throughput", f"{len(texts) / fast_s:,.0f} docs/s"),
        (
            f"all recognisers on every text ({len(subset):,}-text subset)",
            f"{full_s:.2f} s, {full_s / len(subset) * 1000:.2f} ms/doc",
        ),
        ("all recognisers on every text, extrapolated", f"{full_estimate_s:.1f} s"),
        ("all recognisers throughput", f"{len(subset) / full_s:,.0f} docs/s"),
        ("speed-up from the pre-filter", f"{full_estimate_s / fast_s:.1f}x"),
    ]
    table = "\n".join(
        ["| measure | value |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]
    )
    report = (
        "# PII redaction benchmark\n\n"
        "`python bench/bench_redact.py`: synthetic short reviews, ~5% with one PII value "
        "(email, phone, card, IBAN, IP, personal URL, name or handle; some at reserved "
        "domains, unallocated numbers, cards failing Luhn or grouped with slashes or "
        "double spaces), one core.\n"
        '"All recognisers on every text" is the same engine with `Redactor(prefilter=False)`; '
        "outputs with and without the pre-filter are checked to be identical on the subset.\n\n"
        f"{table}\n\n"
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs visible, single process.\n"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
