"""What a column's name says: tokens, synonyms and name scores per field.

Names are split into lower-case word tokens whatever their style: spaces,
underscores, hyphens, camelCase / PascalCase (split by `inflection.underscore`,
a maintained library), ALLCAPS and glued words such as ``userid`` or
``firstname`` (split when both halves are known words). Abbreviations are
mapped to one spelling (``cust`` → customer, ``qty`` → quantity, ``tel`` →
phone), other abbreviations by the standard rules (a prefix of a known word,
``purch`` → purchase, or its consonants, ``gndr`` → gender, ``rgn`` →
region) when exactly one word fits, and words of other languages to the
English ones (:mod:`.vocabulary`; ``Klantnummer`` → customer number, split
as a compound). Rules then read the token set, so ``Customer ID``,
``customerId``, ``CUST_NO``, ``customer-number`` and ``Klantnummer`` are the
same thing.

Scores say how strongly a name points at a field (0: not at all); the values
of the column confirm or overrule them in :mod:`.detect`.
"""

from __future__ import annotations

import functools
import re

import inflection

from segapp.services.ingest import vocabulary as vocab
from segapp.services.ingest.name_words import (
    ABBREVIATED_WORDS,
    ADDRESS_CONTEXT,
    ALL_WORDS,
    AMOUNT_PART,
    AMOUNT_STRONG,
    AMOUNT_UNIT,
    AMOUNT_WEAK,
    CHANNEL_WORDS,
    COMPANY_SIDE,
    CUSTOMER_PARTIES,
    DATE_EVENT_WORDS,
    DATE_LATER_WORDS,
    DATE_SUFFIXES,
    DATE_WORDS,
    DROP_WORDS,
    ENTITY_WORDS,
    EVENT_TYPE_ALLOWED,
    EVENT_TYPE_WORDS,
    GENERIC_ID_WORDS,
    ID_WORDS,
    IDENTIFIER_KIND_WORDS,
    IDENTIFIER_QUALIFIERS,
    KIND_WORDS,
    KNOWN_WORDS,
    LOCATION_WORDS,
    METRIC_WORDS,
    NAME_PERSON_WORDS,
    NOT_AMOUNT,
    NOT_RATING,
    NOTE_WORDS,
    PARTY_MARKERS,
    PARTY_QUALIFIERS,
    PREFERENCE_WORDS,
    RATING_WORDS,
    RESPONDER_WORDS,
    RESPONSE_WORDS,
    SENSITIVE_SETS,
    SHORT_TAILS,
    STAFF_WORDS,
    STATUS_WORDS,
    SUBJECT_WORDS,
    SYNONYMS,
    TEXT_WORDS,
    TITLE_WORDS,
)

# The suffix CRM platforms append to the API names of custom fields and relations
# (Salesforce "Account__c", "Owner__r", "Tier__pc"): part of no word.
CUSTOM_SUFFIX = re.compile(r"__(c|r|pc|pr|x|b|e|mdt|s)$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[str, ...]:
    """The word tokens of a column name, lower case, synonyms applied, in order."""
    text = CUSTOM_SUFFIX.sub("", str(name).strip())  # "Account__c": a custom field's suffix
    text = vocab.fold(re.sub(r"\b[Nn][°º]|#", "_number_", text))  # "N° client", "Order #"
    for sign in vocab.CURRENCY_SIGNS:
        text = text.replace(sign, "_money_")
    pieces = []
    for chunk in re.split(r"[^0-9A-Za-z]+", text):
        if chunk and _known(chunk.lower()) is not None:
            pieces.append(chunk.lower())  # "MwSt", "PLZ": one word, not camel case
            continue
        chunk = re.sub(r"([A-Za-z])(\d)", r"\1_\2", chunk)
        chunk = re.sub(r"(\d)([A-Za-z])", r"\1_\2", chunk)
        pieces.extend(inflection.underscore(chunk).split("_"))
    raw = _phrases([token for token in pieces if token])
    tokens: list[str] = []
    for token in raw:
        tokens.extend(token if isinstance(token, tuple) else _word(token))
    tokens = _join_split_words(tokens)
    return tuple(token for token in tokens if token not in vocab.STOP_WORDS) or tuple(tokens)


def _phrases(tokens: list[str]) -> list[str | tuple[str, ...]]:
    """Replace phrases of other languages ("code postal", "nom de famille") by their meaning."""
    out: list[str | tuple[str, ...]] = []
    index = 0
    while index < len(tokens):
        for size in (3, 2):
            meaning = vocab.FOREIGN_PHRASES.get(tuple(tokens[index : index + size]))
            if meaning:
                out.append(meaning)
                index += size
                break
        else:
            out.append(tokens[index])
            index += 1
    return out


def _known(token: str) -> tuple[str, ...] | None:
    """The tokens a whole word means, or None when it is not a word of the vocabulary."""
    if token in SYNONYMS:
        return (SYNONYMS[token],)
    if token in ALL_WORDS:
        return (token,)
    if token in vocab.FOREIGN_WORDS:
        return tuple(SYNONYMS.get(word, word) for word in vocab.FOREIGN_WORDS[token])
    if token in vocab.ABBREVIATIONS:
        return (SYNONYMS.get(vocab.ABBREVIATIONS[token], vocab.ABBREVIATIONS[token]),)
    return None


def _word(token: str) -> list[str]:
    """One raw token as words: known, split when glued or compound, or an abbreviation."""
    known = _known(token)
    if known is not None or token.isdigit():
        return list(known or (token,))
    for reader in (_split_glued, _split_compound):
        parts = reader(token)
        if parts:
            return parts
    expanded = _expand_abbreviation(token)
    return [expanded] if expanded else [token]


def _split_glued(token: str) -> list[str] | None:
    """Split a glued word ("userid", "firstname") when both halves are known English words."""
    if len(token) < 5:
        return None
    for cut in range(2, len(token) - 1):
        head, tail = token[:cut], token[cut:]
        head_ok = head in KNOWN_WORDS or head in SYNONYMS
        tail_ok = tail in KNOWN_WORDS or tail in SYNONYMS
        if head_ok and tail_ok:
            return [SYNONYMS.get(head, head), SYNONYMS.get(tail, tail)]
    return None


def _split_compound(token: str) -> list[str] | None:
    """Split a compound ("kundennummer", "geburtsdatum", "vertriebskanal") into known words.

    The head must be a known word or compound stem (a linking "s" allowed) and the tail a
    known word of four letters or more (or an id abbreviation such as "nr"); with an unknown
    head only a tail from another language's vocabulary of five letters or more counts.
    """
    if len(token) < 6:
        return None
    fallback = None
    for cut in range(3, len(token) - 1):
        head, tail = token[:cut], token[cut:]
        tail_tokens = _known(tail)
        if tail_tokens is None:
            continue
        head_tokens = _head(head)
        if head_tokens is not None and (len(tail) >= 4 or tail in SHORT_TAILS):
            return [*head_tokens, *tail_tokens]
        foreign_tail = tail in vocab.FOREIGN_WORDS and tail not in ALL_WORDS
        if fallback is None and len(head) >= 4 and len(tail) >= 5 and foreign_tail:
            fallback = [head, *tail_tokens]
    return fallback


def _head(head: str) -> tuple[str, ...] | None:
    for candidate in (head, head[:-1] if head.endswith("s") and len(head) > 4 else ""):
        if not candidate:
            continue
        if candidate in vocab.COMPOUND_HEADS:
            return (vocab.COMPOUND_HEADS[candidate],)
        known = _known(candidate)
        if known is not None and len(candidate) >= 3:
            return known
    return None


def _skeleton(word: str) -> str:
    """A word's consonants in order, first letter kept, doubles collapsed: gender -> gndr."""
    letters = word[0] + "".join(char for char in word[1:] if char not in "aeiou")
    return re.sub(r"(.)\1+", r"\1", letters)


def _is_subsequence(short: str, long: str) -> bool:
    remaining = iter(long)
    return all(char in remaining for char in short)


@functools.lru_cache(maxsize=4096)
def _expand_abbreviation(token: str) -> str | None:
    """The one word an unknown short token abbreviates (purch, gndr, rgn, natnlty), else None.

    A token of three to six letters may be a prefix of a word (not of a person's word);
    a token of up to eight letters that is mostly consonants may be a word's consonants in
    order (first letter kept, doubles collapsed), or their start when it has four or more.
    Two different words fitting is no match.
    """
    if not token.isalpha() or token in vocab.NOT_ABBREVIATIONS or not 3 <= len(token) <= 8:
        return None
    skeleton = _skeleton(token)
    consonants = sum(char not in "aeiou" for char in token[1:]) >= 0.75 * (len(token) - 1)
    found: set[str] = set()
    for word in ABBREVIATED_WORDS:
        if len(word) <= len(token) or word[0] != token[0] or not _is_subsequence(token, word):
            continue
        by_prefix = len(token) <= 6 and word.startswith(token) and word not in SUBJECT_WORDS
        word_skeleton = _skeleton(word)
        by_consonants = (
            consonants
            and len(skeleton) >= 3
            and (
                word_skeleton == skeleton
                or (len(skeleton) >= 4 and word_skeleton.startswith(skeleton))
            )
        )
        if by_prefix or by_consonants:
            found.add(SYNONYMS.get(word, word))
    if not found:
        return None
    shortest = min(found, key=len)
    return shortest if all(word.startswith(shortest) for word in found) else None


def _join_split_words(tokens: list[str]) -> list[str]:
    """Rejoin words that styles split in two: "e mail", "time stamp", "zip code", "add ons"."""
    joined = {("e", "mail"): "email", ("e", "email"): "email", ("time", "stamp"): "timestamp",
              ("zip", "code"): "zipcode", ("date", "time"): "datetime",
              ("ip", "address"): "ip", ("user", "name"): "username",
              ("phone", "number"): "phone", ("e", "mails"): "email", ("add", "ons"): "addon",
              ("add", "on"): "addon", ("line", "item"): "lineitem", ("opt", "in"): "optin",
              ("opt", "out"): "optout", ("opted", "in"): "optin", ("opted", "out"): "optout",
              ("post", "code"): "postcode", ("postal", "code"): "postcode",
              ("code", "postal"): "postcode", ("birth", "day"): "birthday",
              ("e", "address"): "email"}  # fmt: skip
    out: list[str] = []
    for token in tokens:
        if out and (out[-1], token) in joined:
            out[-1] = joined[(out[-1], token)]
        else:
            out.append(token)
    return out


def token_set(name: str) -> frozenset[str]:
    """The tokens of a name as a set."""
    return frozenset(name_tokens(name))


def customer_id_score(name: str, *, file_type: str) -> float:
    """How strongly a name says "the customer's id" (0 to 3).

    The id of a person-like party (customer, user, member, requester, player, a loyalty
    card …) scores; the id of a thing (order, ticket, session, product …) never does.
    """
    tokens = token_set(name)
    excluded = (DROP_WORDS - {"handle"}) | ENTITY_WORDS | {"name", "username", "since", "type"}
    if not tokens or tokens & excluded:
        return 0.0
    subjects = tokens & SUBJECT_WORDS
    ids = tokens & (ID_WORDS | {"handle"})
    extra = tokens - SUBJECT_WORDS - ID_WORDS - PARTY_QUALIFIERS
    if (subjects or tokens & PARTY_MARKERS) and ids and not extra:
        return 3.0
    if subjects and not tokens - SUBJECT_WORDS - {"unique", "the", "of"}:
        return 2.0 if subjects != {"external"} else 0.0
    generic = tokens <= ID_WORDS | GENERIC_ID_WORDS | {"uid"} and tokens & (ID_WORDS | {"uid"})
    if generic and file_type == "customers":
        return 1.0
    return 0.0


def is_staff_name(name: str) -> bool:
    """Whether a name says a party on the company's side: the record's owner, assignee,
    creator or editor ("OwnerId", "Assigned To", "Last Modified By ID", "Sales Rep")."""
    return bool(token_set(name) & STAFF_WORDS)


def date_score(name: str) -> float:
    """How strongly a name says "when it happened" (0 to 3); creation beats later dates."""
    tokens = name_tokens(name)
    words = set(tokens)
    dated = bool(words & DATE_WORDS) or (len(tokens) > 1 and tokens[-1] in DATE_SUFFIXES)
    dated = dated or bool(words & {"created", "posted", "submitted", "published", "occurred"})
    if not dated or words & {"birth", "dob", "birthday", "birthdate"}:
        return 0.0
    if words & {"zone", "timezone", "spent", "duration", "seconds", "minutes", "hours", "days"}:
        return 0.0
    score = 2.0
    if words & DATE_EVENT_WORDS:
        score += 1.0
    if words & DATE_LATER_WORDS:
        score -= 1.5
    return max(score, 0.5)


def amount_score(name: str) -> float:
    """How strongly a name says "money spent" (0 to 3.5); totals beat unit prices and parts.

    A currency in the name ("iap_usd", "Summe €") says money too.
    """
    words = token_set(name)
    money = words & (vocab.CURRENCY_CODES | {"money"})
    if words & NOT_AMOUNT or not (words & (AMOUNT_STRONG | AMOUNT_WEAK) or money):
        return 0.0
    score = 3.0 if words & AMOUNT_STRONG else 2.0
    if len(words & (AMOUNT_STRONG | AMOUNT_WEAK)) > 1:
        score += 0.5
    if words & AMOUNT_UNIT:
        score -= 1.5
    if words & AMOUNT_PART:
        score -= 1.5
    return max(score, 0.25)


def status_score(name: str) -> float:
    """How strongly a name says "the order's status" (0 to 3)."""
    words = token_set(name)
    if not words & STATUS_WORDS or words & {"marital", "id", "date", "at"}:
        return 0.0
    score = 3.0 if "status" in words or "outcome" in words else 1.0
    if words & {"financial", "payment", "order", "transaction"}:
        score += 0.5
    return score


def rating_score(name: str) -> float:
    """How strongly a name says "a rating or score given by the customer" (0 to 3)."""
    words = token_set(name)
    if not words & RATING_WORDS or words & NOT_RATING:
        return 0.0
    return 3.0 if words & {"rating", "stars", "star", "overall", "nps", "csat"} else 2.0


def is_question(name: str) -> bool:
    """A column named by a survey question ("What is the main reason …?"): values decide."""
    return len(name_tokens(name)) >= 6 or str(name).rstrip().endswith("?")


def is_question_code(name: str) -> bool:
    """A survey question named by its number ("Q1", "Q4_2", "question 3"): values decide."""
    tokens = name_tokens(name)
    return (
        len(tokens) >= 2
        and tokens[0] in {"q", "question", "qid"}
        and all(token.isdigit() for token in tokens[1:])
    )


def text_score(name: str) -> float:
    """How strongly a name says "free text written by the customer" (0 to 3).

    Text written by the company (a developer's reply, an agent's note) or links are not it.
    """
    words = token_set(name)
    if is_question(name) or is_company_text_name(name):
        return 0.0
    if words & (ID_WORDS | DATE_WORDS | RATING_WORDS | {"at", "count", "type", "status"}):
        return 0.0
    if words & TITLE_WORDS:
        return 0.5
    if words & TEXT_WORDS:
        return 3.0 if words & {"text", "body", "content", "comment", "verbatim"} else 2.5
    return 0.0


def is_company_text_name(name: str) -> bool:
    """Whether a name says the company's side wrote the text: staff, an agent or internal
    notes ("CSR_NOTES", "underwriterNotes", "Resolution Summary", "Company Response"), or
    notes and remarks that name no customer-like party as theirs."""
    words = token_set(name)
    if words & COMPANY_SIDE or words & STAFF_WORDS - {"by"}:
        return True
    if words & NOTE_WORDS and not words & CUSTOMER_PARTIES:
        return True
    return bool(words & RESPONSE_WORDS and words & RESPONDER_WORDS)


def event_type_score(name: str) -> float:
    """How strongly a name says "what kind of event" (0 to 3)."""
    words = token_set(name)
    if not words & EVENT_TYPE_WORDS or not words <= EVENT_TYPE_ALLOWED:
        return 0.0
    return 3.0 if words & {"event", "action", "activity", "interaction"} else 1.5


def kind_score(name: str) -> float:
    """How strongly a name says "review, survey or social" (0 to 2)."""
    words = token_set(name)
    if not words & {"kind", "type"} or not words <= KIND_WORDS:
        return 0.0
    return 2.0


def channel_score(name: str) -> float:
    """How strongly a name says "where the text came from" (0 to 2)."""
    words = token_set(name)
    if not words & CHANNEL_WORDS or words & {"id", "url", "name", "lead", "traffic"}:
        return 0.0
    return 2.0


def is_sensitive_name(name: str) -> bool:
    """Whether the name is one of the sensitive kinds (age, gender, region, postcode …).

    Places people live (city, country, province, the state of an address) are
    regions too; the street and number of an address are identifiers instead.
    """
    words = token_set(name)
    if any(needed <= words for needed in SENSITIVE_SETS) or words & LOCATION_WORDS:
        return True
    return "state" in words and bool(words & (ADDRESS_CONTEXT | {"address", "card"}))


def is_preference_name(name: str) -> bool:
    """A marketing or consent preference (a flag, not behaviour)."""
    return bool(token_set(name) & PREFERENCE_WORDS)


def identifier_kind(name: str) -> str:
    """The kind of direct identifier a name says the column holds, or "" when none."""
    words = token_set(name)
    kinds = ("email", "phone", "ip", "address", "street", "handle", "username", "iban", "ssn",
             "passport", "fax", "login", "password", "latitude", "longitude")  # fmt: skip
    for kind in kinds:
        if kind in words:
            return {"street": "address", "username": "name"}.get(kind, kind)
    if words & {"surname", "firstname", "lastname", "nickname", "cardholder"}:
        return "name"
    if "company" in words and words & ADDRESS_CONTEXT:
        return "address"
    if "holder" in words and words & {"card", "account"}:
        return "name"
    if "name" in words and words - {"name"} <= NAME_PERSON_WORDS | SUBJECT_WORDS:
        return "name"
    if "card" in words and words & {"number", "no", "num", "nr"} and not words & PARTY_MARKERS:
        return "card"
    return ""


def is_plain_identifier_name(name: str, kind: str) -> bool:
    """Whether the name is only that identifier (of some party or place): "Billing Email",
    "EMAIL_ADDR", "MOB_NO" — not a count or flag about it such as "emailOpens90d"."""
    words = token_set(name)
    allowed = (
        IDENTIFIER_KIND_WORDS.get(kind, set()) | {kind} | SUBJECT_WORDS | NAME_PERSON_WORDS
        | ADDRESS_CONTEXT | IDENTIFIER_QUALIFIERS | {"card"}
    )  # fmt: skip
    return all(word in allowed or word.isdigit() for word in words)


def is_metric_name(name: str) -> bool:
    """Whether the name says it counts, rates or flags something (opens, clicks, rate …)."""
    return bool(token_set(name) & METRIC_WORDS)


def is_consent_name(name: str) -> bool:
    """Whether the name speaks of consent or opting in/out."""
    words = token_set(name)
    return bool(words & {"consent", "consented", "optin", "optout"}) or (
        "opted" in words or "opt" in words
    )
