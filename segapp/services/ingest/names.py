"""What a column's name says: tokens, synonyms and name scores per field.

Names are split into lower-case word tokens whatever their style: spaces,
underscores, hyphens, camelCase / PascalCase (split by `inflection.underscore`,
a maintained library), ALLCAPS and glued words such as ``userid`` or
``firstname`` (split when both halves are known words). Abbreviations are
mapped to one spelling (``cust`` → customer, ``qty`` → quantity, ``tel`` →
phone), other abbreviations by the standard rules (a prefix of a known word,
``purch`` → purchase, or its consonants, ``gndr`` → gender, ``rgn`` →
region) when exactly one word fits, and words of other languages to the
English ones (:mod:`.vocabulary`; ``Kundennummer`` → customer number, split
as a compound). Rules then read the token set, so ``Customer ID``,
``customerId``, ``CUST_NO``, ``customer-number`` and ``Kundennummer`` are the
same thing.

Scores say how strongly a name points at a field (0: not at all); the values
of the column confirm or overrule them in :mod:`.detect`.
"""

from __future__ import annotations

import functools
import re

import inflection

from segapp.services.ingest import vocabulary as vocab

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
     "patient", "participant", "profile", "player", "external", "requester", "patron",
     "purchaser", "recipient", "holder", "owner", "cardholder"}
)  # fmt: skip
# Words that make an id a person's when an id word follows ("LOYALTY_CARD_NO").
PARTY_MARKERS = frozenset({"loyalty", "membership", "crm"})
# Words allowed around a party and its id ("Customer User ID", "Requester external id").
PARTY_QUALIFIERS = frozenset(
    {"unique", "the", "of", "external", "internal", "global", "primary", "master", "card",
     "program", "programme", "loyalty", "membership", "crm", "handle"}
)  # fmt: skip
# Things that are not people: an id of one of these is never the customer's.
ENTITY_WORDS = frozenset(
    {"order", "ticket", "transaction", "invoice", "session", "product", "sku", "event",
     "message", "response", "item", "line", "lineitem", "review", "store", "device",
     "campaign", "cart", "basket", "payment", "shipment", "subscription", "case",
     "conversation", "call", "visit", "survey", "mention", "post", "comment", "booking",
     "reservation", "receipt", "article", "listing", "plan", "request", "job", "task",
     "batch", "file", "record", "row", "company", "organization", "organisation", "merchant",
     "seller", "vendor", "agent", "staff", "employee", "cashier", "register", "terminal",
     "collector", "delivery", "auth", "authorization", "segment", "group", "app", "game",
     "level", "reply", "thread", "page", "link", "ad", "coupon", "discount", "voucher",
     "promo", "promotion", "tracking", "shipping", "warehouse", "branch", "team"}
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
    "mktg": "marketing", "mkt": "marketing", "landline": "phone", "emails": "email",
}  # fmt: skip
IDENTIFIER_KIND_WORDS = {
    "email": {"email", "address", "id"}, "phone": {"phone", "number", "no", "nr", "num"},
    "ip": {"ip", "address", "v4", "v6", "ipv4", "ipv6"},
    "address": {"address", "street", "line", "house", "number", "no", "nr", "company"},
    "name": {"name", "username", "surname", "firstname", "lastname", "nickname"},
    "handle": {"handle", "username", "screen"}, "card": {"card", "number", "no", "nr", "num"},
    "latitude": {"latitude", "lat"}, "longitude": {"longitude", "lng", "lon"},
}  # fmt: skip
IDENTIFIER_QUALIFIERS = frozenset(
    {"primary", "secondary", "work", "personal", "private", "business", "alternate",
     "alternative", "other", "main", "mobile", "location", "contact", "geo", "device",
     "of", "the"}
)  # fmt: skip
# Words saying a column counts or measures something about an identifier, not the identifier.
METRIC_WORDS = frozenset(
    {"opens", "open", "opened", "clicks", "click", "clicked", "count", "counts", "sent",
     "rate", "optin", "optout", "consent", "verified", "valid", "bounced", "bounce", "status",
     "type", "domain", "hash", "hashed", "score", "flag", "subscribed", "unsubscribed",
     "marketing", "preference", "delivered", "total", "share", "days", "d"}
)  # fmt: skip
KNOWN_WORDS = frozenset(
    ID_WORDS | SUBJECT_WORDS | DATE_WORDS | DATE_EVENT_WORDS | DATE_LATER_WORDS | AMOUNT_STRONG
    | AMOUNT_WEAK | AMOUNT_UNIT | STATUS_WORDS | RATING_WORDS | TEXT_WORDS | TITLE_WORDS
    | EVENT_TYPE_WORDS | CHANNEL_WORDS | DROP_WORDS | CONSENT_WORDS
    | {"name", "first", "last", "full", "user", "post", "code", "address", "email", "phone",
       "birth", "date", "time", "stamp", "in", "out", "of", "line", "item", "add", "on", "at"}
)  # fmt: skip
SENSITIVE_WORDS = frozenset(word for words in SENSITIVE_SETS for word in words)
# Every word a name is read with: these are never split or taken for an abbreviation.
ALL_WORDS = frozenset(
    KNOWN_WORDS | SENSITIVE_WORDS | PARTY_MARKERS | PARTY_QUALIFIERS | ENTITY_WORDS
    | AMOUNT_PART | NOT_AMOUNT | NOT_RATING | KIND_WORDS | NAME_PERSON_WORDS | ADDRESS_CONTEXT
    | LOCATION_WORDS | COMPANY_SIDE | PREFERENCE_WORDS | METRIC_WORDS | IDENTIFIER_QUALIFIERS
    | {"state", "company", "marital", "quantity", "currency", "count", "group", "flag",
       "indicator", "percent", "balance", "year", "month", "week", "value", "gross", "vat",
       "authorization", "invoice", "family", "province", "ethnicity", "sex", "nationality"}
    | set(SYNONYMS.values())
)  # fmt: skip
# Longer words an abbreviation may stand for (people's own words are excluded: "auth" is not
# an author); a token is one when it is a prefix or has the same consonants in the same order.
ABBREVIATED_WORDS = frozenset(
    (ALL_WORDS | set(SYNONYMS) | {"gender", "region", "ethnic", "ethnicity", "surname",
                                   "firstname", "mobile", "purchase", "discount", "channel",
                                   "preference", "segment", "order", "number", "status"})
    - SUBJECT_WORDS
)  # fmt: skip
SHORT_TAILS = frozenset({"id", "nr", "no", "num", "art", "typ", "ort", "plz", "nm", "cd", "dt"})


@functools.lru_cache(maxsize=4096)
def name_tokens(name: str) -> tuple[str, ...]:
    """The word tokens of a column name, lower case, synonyms applied, in order."""
    text = vocab.fold(str(name))
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
    """The one word an unknown short token abbreviates (purch, gndr, rgn, surnm), else None."""
    if not token.isalpha() or not 3 <= len(token) <= 6 or token in vocab.NOT_ABBREVIATIONS:
        return None
    skeleton = _skeleton(token)
    found: set[str] = set()
    for word in ABBREVIATED_WORDS:
        if len(word) <= len(token) or word[0] != token[0]:
            continue
        same_consonants = (
            len(skeleton) >= 3 and _skeleton(word) == skeleton and _is_subsequence(token, word)
        )
        if word.startswith(token) or same_consonants:
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
