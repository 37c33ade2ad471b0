"""A customer named in a question: their pseudonym (64 hex characters) or the shop's own id.

The shop's ids come in many shapes ("CUST-000181", "C-004211", "ab12cd34", "004211")
and the chat accepts any of them wherever a customer is meant. An id is read by its
shape, not by a list of known ids (the run keeps pseudonyms only):

- a token mixing letters and digits, with three digits at least ("CUST-677594",
  "C-004211", "X7K9P21"), that is not a quantity with a unit ("16-week", "500k",
  "12months") and not a product, order or voucher code ("SKU-12345");
- plain digits (three at least) right after a word that names one customer
  ("customer 004211", "client id: 55120", "look up 004211").

The id keeps the case it was written in (the pseudonym is a keyed hash of the id as
the shop wrote it); the question is read with "customer x" in its place, as the
exemplar questions write it.
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HEX = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{64}(?![0-9A-Za-z])")
# Letters and digits in one token, parts joined by "-" or "_" ("CUST-000181", "ab12cd34").
_MIXED = re.compile(r"(?<![\w'’@.-])[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*(?![\w@-]|\.\w)")
# Digits after a word naming one customer, or a lookup verb.
_AFTER_CUSTOMER = re.compile(
    r"\b(?:customer|client|member|shopper|buyer|user|account|cust)"
    r"(?:\s+(?:id|number|no\.?|nr|ref|reference|#))?\s*[#:]?\s*"
    r"|\b(?:id|ref)\s*[#:]?\s*"
    r"|\b(?:look\s*up|lookup|pull\s+up|find)\s+",
    re.I,
)
_DIGITS = re.compile(r"\d{3,}(?![\w-])")
# A number with a unit or a count word written onto it is a quantity, not an id.
_UNITS = _words(
    "k m bn h d w y yr yrs mo mos st nd rd th s am pm x p gb mb kb tb kg g km mi ml l cm mm"
    " lb lbs oz min mins sec secs hr hrs kcal cal day days week weeks month months year years"
    " pack packs star stars"
)
# Codes that are not customers: "SKU-12345", "order 10032", "voucher SPRING2025".
_NOT_CUSTOMERS = _words(
    "sku product item order invoice code coupon voucher promo campaign ticket model version"
    " batch lot ref store shop run segment cluster topic page room"
)
# Letters written before a number that make it a quantity or a rank, not an id.
_QUANTITY_PREFIXES = _words(
    "top bottom under over above below last next first past within around about approx up"
    " plus minus covid year years month months week weeks day days q h fy"
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")


def _unicode(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("‐", "-").replace("‑", "-")


def looks_like_id(token: str) -> bool:
    """Whether a token mixing letters and digits reads as an id rather than a quantity."""
    digits = sum(ch.isdigit() for ch in token)
    letters = [part for part in re.split(r"[^A-Za-z]+", token) if part]
    if digits < 3 or not letters:
        return False
    low = token.lower()
    if re.fullmatch(r"\d+(?:[.,]\d+)?[a-z]+", low) and low.lstrip("0123456789.,") in _UNITS:
        return False  # "500k", "12months"
    if re.fullmatch(r"\d+-[a-z]{2,}", low):
        return False  # "16-week", "30-day"
    head = re.match(r"[a-z]+", low)
    return not (head and head.group(0) in _QUANTITY_PREFIXES | _NOT_CUSTOMERS)


def _code_before(text: str, start: int) -> bool:
    """Whether the word before ``start`` says the token is a code of something else; a
    word asked about ("what segment C-979467 is in") is the answer sought, not the code's kind."""
    found = _WORD_BEFORE.search(text[:start])
    if not (found and found.group(1).lower() in _NOT_CUSTOMERS):
        return False
    return not asked_noun(text, found.start(1))


def asked_noun(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows a question word ("which segment", "what cluster")."""
    before = _WORD_BEFORE.search(text[:start])
    return bool(before and before.group(1).lower() in {"what", "which", "whichever"})


def find_customer(question: str) -> tuple[str | None, tuple[int, int] | None]:
    """The customer a question names (a pseudonym, lower case, or the id as written) and
    where it is written, or (None, None)."""
    text = _unicode(question)
    match = _HEX.search(text)
    if match:
        return match.group(0).lower(), match.span()
    for match in _MIXED.finditer(text):
        token = match.group(0)
        if looks_like_id(token) and not _code_before(text, match.start()):
            return token, match.span()
    for match in _AFTER_CUSTOMER.finditer(text):
        digits = _DIGITS.match(text, match.end())
        if digits:
            return digits.group(0), digits.span()
    return None, None


def take_customer(question: str) -> tuple[str | None, str]:
    """(the customer named, the question with "customer x" in the id's place).

    Where a customer word already stands before the id ("customer CUST-1"), only the id
    becomes "x".
    """
    customer, span = find_customer(question)
    if customer is None or span is None:
        return None, question
    text = _unicode(question)
    before = text[: span[0]]
    named = re.search(r"\b(?:customer|client|member|shopper|buyer|user)\W*$", before, re.I)
    stand_in = " x " if named else " customer x "
    return customer, before + stand_in + text[span[1] :]
