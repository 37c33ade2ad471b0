"""What a column's name says: tokens, synonyms and name scores per field.

Names are split into lower-case word tokens whatever their style: spaces,
underscores, hyphens, camelCase / PascalCase (split by `inflection.underscore`,
a maintained library), ALLCAPS and glued words such as ``userid`` or
``firstname`` (split when both halves are known words). Abbreviations are
mapped to one spelling (``cust`` → customer, ``qty`` → quantity, ``tel`` →
phone). Rules then read the token set, so ``Customer ID``, ``customerId``,
``CUST_NO`` and ``customer-number`` are the same thing.

Scores say how strongly a name points at a field (0: not at all); the values
of the column confirm or overrule them in :mod:`.detect`.
"""

from __future__ import annotations

import functools
import re

import inflection

ID_WORDS = frozenset(
    {"id", "ids", "no", "nr", "num", "number", "ref", "reference", "key", "code", "uuid", "guid",
     "identifier"}
)  # fmt: skip
CODE_WORDS = frozenset(
    {"id", "ids", "code", "key", "ref", "reference", "uuid", "guid", "identifier"}
)
SUBJECT_WORDS = frozenset(
    {"customer", "user", "client", "member", "account", "respondent", "reviewer", "author",
     "contact", "buyer", "shopper", "person", "subscriber", "guest", "visitor", "consumer",
     "patient", "participant", "profile", "player", "external"}
)  # fmt: skip
DATE_WORDS = frozenset({"date", "time", "timestamp", "datetime", "when", "day"})
DATE_SUFFIXES = frozenset({"at", "on"})
DATE_EVENT_WORDS = frozenset(
    {"created", "creation", "posted", "submitted", "published", "occurred", "sent", "purchase",
     "purchased", "order", "ordered", "event", "transaction", "review", "visit", "response",
     "start", "started", "begin"}
)  # fmt: skip
DATE_LATER_WORDS = frozenset(
    {"updated", "modified", "last", "end", "ended", "finished", "completed", "closed", "shipped",
     "fulfilled", "delivered", "paid", "cancelled", "canceled", "refunded", "expiry", "expires",
     "expiration", "due", "received", "server", "processed", "deleted", "import", "imported",
     "export", "exported", "birth", "signup", "registered", "registration", "first"}
)  # fmt: skip
AMOUNT_STRONG = frozenset({"total", "amount", "revenue", "spend", "spent", "gmv", "charged"})
AMOUNT_WEAK = frozenset(
    {"price", "value", "sales", "sale", "payment", "cost", "sum", "subtotal", "paid", "net",
     "gross", "turnover"}
)  # fmt: skip
AMOUNT_UNIT = frozenset({"unit", "each", "per", "item", "lineitem", "line", "compare", "list"})
AMOUNT_PART = frozenset(
    {"shipping", "tax", "taxes", "discount", "fee", "fees", "tip", "add", "addon", "ons",
     "refund", "refunded", "deposit", "average", "avg", "mean", "lifetime", "balance", "credit",
     "vat", "duty", "coupon"}
)  # fmt: skip
NOT_AMOUNT = frozenset(
    {"id", "date", "time", "method", "type", "status", "code", "currency", "name", "number",
     "count", "at", "rate", "percent", "pct", "share", "ratio"}
)  # fmt: skip
STATUS_WORDS = frozenset({"status", "state", "outcome"})
RATING_WORDS = frozenset(
    {"rating", "ratings", "stars", "star", "score", "overall", "nps", "csat", "recommend", "grade"}
)
NOT_RATING = frozenset({"credit", "risk", "fraud", "id", "date", "count", "number", "reason"})
TEXT_WORDS = frozenset(
    {"text", "review", "comment", "comments", "body", "feedback", "answer", "message", "post",
     "content", "verbatim", "response", "description", "note", "notes", "remark", "remarks",
     "tweet", "opinion", "reason", "improve", "story", "complaint", "suggestion", "caption"}
)  # fmt: skip
TITLE_WORDS = frozenset({"title", "summary", "subject", "headline", "heading"})
EVENT_TYPE_WORDS = frozenset({"event", "action", "activity", "interaction", "type", "kind"})
EVENT_TYPE_ALLOWED = EVENT_TYPE_WORDS | {"name", "transaction", "category"}
KIND_WORDS = frozenset({"kind", "type", "doc", "document", "source"})
CHANNEL_WORDS = frozenset({"channel", "source", "platform", "medium", "site", "network"})
NAME_PERSON_WORDS = frozenset(
    {"first", "last", "full", "given", "family", "middle", "sur", "display", "screen", "nick",
     "legal", "billing", "shipping", "contact", "customer", "user", "client", "member", "reviewer",
     "author", "buyer", "recipient", "person", "account", "holder", "maiden", "card",
     "cardholder"}
)  # fmt: skip
DROP_WORDS = frozenset(
    {"email", "phone", "fax", "ip", "ssn", "passport", "iban", "address", "street", "handle",
     "username", "login", "password", "surname", "firstname", "lastname", "nickname", "cardnumber",
     "cardholder", "swift", "bic", "sortcode", "taxid", "nin", "licence", "license", "plate",
     "geolocation", "latitude", "longitude", "lat", "lng", "lon"}
)  # fmt: skip
ADDRESS_CONTEXT = frozenset({"billing", "shipping", "mailing", "delivery", "home", "postal"})
LOCATION_WORDS = frozenset({"city", "country", "province", "county", "town", "municipality"})
COMPANY_SIDE = frozenset(
    {"reply", "developer", "agent", "staff", "admin", "internal", "seller", "merchant",
     "support", "moderator", "operator", "link", "url", "uri", "millis", "epoch"}
)  # fmt: skip
PREFERENCE_WORDS = frozenset(
    {"consent", "marketing", "newsletter", "optin", "optout", "subscribed", "subscription",
     "permission", "unsubscribed", "gdpr"}
)  # fmt: skip
SENSITIVE_SETS: tuple[frozenset[str], ...] = tuple(
    frozenset(words.split())
    for words in (
        "age", "gender", "sex", "region", "postcode", "post code", "postal code", "zip",
        "zipcode", "ethnicity", "ethnic", "race", "religion", "religious", "dob", "birth",
        "birthdate", "birthday", "nationality", "disability", "marital", "sexual orientation",
        "pronoun", "pronouns",
    )
)  # fmt: skip
CONSENT_WORDS = frozenset({"consent", "consented", "optin", "opted", "opt"})
SYNONYMS = {
    "cust": "customer", "usr": "user", "acct": "account", "acc": "account", "mbr": "member",
    "qty": "quantity", "amt": "amount", "dt": "date", "ts": "timestamp", "tel": "phone",
    "telephone": "phone", "mobile": "phone", "cell": "phone", "phonenumber": "phone",
    "mail": "email", "emailaddress": "email", "addr": "address", "address1": "address",
    "address2": "address", "desc": "description", "msg": "message", "cmt": "comment",
    "ipaddress": "ip", "ipaddr": "ip", "dob": "dob", "postalcode": "postcode", "zip": "zip",
    "canceled": "cancelled", "txn": "transaction", "trx": "transaction", "evt": "event",
    "nbr": "number", "revenues": "revenue", "prices": "price", "amounts": "amount",
    "totals": "total", "reviews": "review", "messages": "message", "dates": "date",
    "lineitem": "lineitem", "timestamp": "timestamp", "datetime": "datetime", "nm": "name",
    "cd": "code", "yr": "year", "flg": "flag", "cnt": "count", "val": "value", "bal": "balance",
    "mktg": "marketing", "mkt": "marketing",
}  # fmt: skip
KNOWN_WORDS = frozenset(
    ID_WORDS | SUBJECT_WORDS | DATE_WORDS | DATE_EVENT_WORDS | DATE_LATER_WORDS | AMOUNT_STRONG
    | AMOUNT_WEAK | AMOUNT_UNIT | STATUS_WORDS | RATING_WORDS | TEXT_WORDS | TITLE_WORDS
    | EVENT_TYPE_WORDS | CHANNEL_WORDS | DROP_WORDS | CONSENT_WORDS
    | {"name", "first", "last", "full", "user", "post", "code", "address", "email", "phone",
       "birth", "date", "time", "stamp", "in", "out", "of", "line", "item", "add", "on", "at"}
)  # fmt: skip


@functools.lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[str, ...]:
    """The word tokens of a column name, lower case, synonyms applied, in order."""
    text = re.sub(r"[^0-9A-Za-z]+", "_", str(name)).strip("_")
    text = re.sub(r"([A-Za-z])(\d)", r"\1_\2", text)
    text = re.sub(r"(\d)([A-Za-z])", r"\1_\2", text)
    text = inflection.underscore(text)
    tokens: list[str] = []
    for raw in text.split("_"):
        if not raw:
            continue
        for token in _split_glued(raw):
            tokens.append(SYNONYMS.get(token, token))
    return tuple(_join_split_words(tokens))


def _split_glued(token: str) -> list[str]:
    """Split a glued word ("userid", "firstname") when both halves are known words."""
    if token in KNOWN_WORDS or token in SYNONYMS or len(token) < 5:
        return [token]
    for cut in range(2, len(token) - 1):
        head, tail = token[:cut], token[cut:]
        head_ok = head in KNOWN_WORDS or head in SYNONYMS
        tail_ok = tail in KNOWN_WORDS or tail in SYNONYMS
        if head_ok and tail_ok:
            return [head, tail]
    return [token]


def _join_split_words(tokens: list[str]) -> list[str]:
    """Rejoin words that styles split in two: "e mail", "time stamp", "zip code", "add ons"."""
    joined = {("e", "mail"): "email", ("e", "email"): "email", ("time", "stamp"): "timestamp",
              ("zip", "code"): "zipcode", ("date", "time"): "datetime",
              ("ip", "address"): "ip", ("user", "name"): "username",
              ("phone", "number"): "phone", ("e", "mails"): "email", ("add", "ons"): "addon",
              ("add", "on"): "addon", ("line", "item"): "lineitem", ("opt", "in"): "optin",
              ("opt", "out"): "optout", ("opted", "in"): "optin", ("opted", "out"): "optout",
              ("post", "code"): "postcode", ("postal", "code"): "postcode"}  # fmt: skip
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
    """How strongly a name says "the customer's id" (0 to 3)."""
    tokens = token_set(name)
    if not tokens or tokens & (DROP_WORDS | {"name", "username", "since", "type", "segment"}):
        return 0.0
    subjects = tokens & SUBJECT_WORDS
    ids = tokens & ID_WORDS
    extra = tokens - SUBJECT_WORDS - ID_WORDS - {"unique", "the", "of"}
    if subjects and ids and not extra:
        return 3.0
    if subjects and not extra and subjects != {"external"}:
        return 2.0
    if tokens in ({"id"}, {"key"}, {"uid"}) and file_type == "customers":
        return 1.0
    return 0.0


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
    """How strongly a name says "money spent" (0 to 3.5); totals beat unit prices and parts."""
    words = token_set(name)
    if words & NOT_AMOUNT or not words & (AMOUNT_STRONG | AMOUNT_WEAK):
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


def text_score(name: str) -> float:
    """How strongly a name says "free text written by the customer" (0 to 3).

    Text written by the company (a developer's reply, an agent's note) or links are not it.
    """
    words = token_set(name)
    if is_question(name) or words & COMPANY_SIDE:
        return 0.0
    if words & (ID_WORDS | DATE_WORDS | RATING_WORDS | {"at", "count", "type", "status"}):
        return 0.0
    if words & TITLE_WORDS:
        return 0.5
    if words & TEXT_WORDS:
        return 3.0 if words & {"text", "body", "content", "comment", "verbatim"} else 2.5
    return 0.0


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
    if "name" in words and words - {"name"} <= NAME_PERSON_WORDS:
        return "name"
    if "card" in words and words & {"number", "no", "num", "nr"}:
        return "card"
    return ""


def is_consent_name(name: str) -> bool:
    """Whether the name speaks of consent or opting in/out."""
    words = token_set(name)
    return bool(words & {"consent", "consented", "optin", "optout"}) or (
        "opted" in words or "opt" in words
    )
