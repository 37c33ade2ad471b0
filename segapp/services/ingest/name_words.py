"""The English words column names are read with, by what they say about a column.

Sets of tokens (:func:`segapp.services.ingest.names.name_tokens`) that say a
column is an id, a person-like party, a date, an amount, a status, a text, a
direct identifier or a sensitive attribute; the synonyms and abbreviations
mapped to one spelling; and the whole vocabulary a token must be outside of
to be split as a compound or expanded as an abbreviation. Words of other
languages are in :mod:`.vocabulary`.
"""

from __future__ import annotations

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
# Words allowed around a party and its id ("Customer User ID", "Member external id").
PARTY_QUALIFIERS = frozenset(
    {"unique", "the", "of", "external", "internal", "global", "primary", "master", "card",
     "program", "programme", "loyalty", "membership", "crm", "handle"}
)  # fmt: skip
# Parties on the company's side of a record: who owns, was assigned, created or changed it
# (a CRM's "OwnerId", "Assignee", "Sales Rep"). "by" marks the actor of a verb ("Created By").
STAFF_WORDS = frozenset(
    {"owner", "owners", "assignee", "assigned", "creator", "representative", "salesperson",
     "manager", "handler", "responsible", "by"}
)  # fmt: skip
# Things that are not people: an id of one of these is never the customer's.
ENTITY_WORDS = frozenset(
    {"order", "ticket", "transaction", "invoice", "session", "product", "sku", "event",
     "message", "response", "item", "line", "lineitem", "review", "store", "device",
     "campaign", "cart", "basket", "payment", "shipment", "subscription", "case",
     "conversation", "call", "visit", "survey", "mention", "post", "comment", "booking",
     "reservation", "receipt", "article", "listing", "plan", "request", "job", "task",
     "batch", "file", "company", "organization", "organisation", "merchant",
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
# The records an events file's rows stand for: the type of one is the type of the event
# ("Order Type", "Booking kind").
EVENT_RECORD_WORDS = frozenset(
    {"order", "booking", "reservation", "purchase", "transaction", "sale", "sales"}
)
EVENT_TYPE_ALLOWED = EVENT_TYPE_WORDS | EVENT_RECORD_WORDS | {"name", "category"}
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
     "support", "moderator", "operator", "link", "url", "uri", "millis", "epoch", "csr",
     "underwriter", "adjuster", "representative", "employee", "officer", "advisor", "adviser",
     "clerk", "technician", "resolution", "escalation", "handler", "dispatcher", "caseworker"}
)  # fmt: skip
# Notes and remarks are the staff's record unless the name says whose they are ("Customer
# Notes"); a response or reply is the company's when the name says the company gave it.
NOTE_WORDS = frozenset({"note", "notes", "remark", "remarks", "memo", "annotation"})
CUSTOMER_PARTIES = frozenset(
    {"customer", "user", "client", "member", "respondent", "reviewer", "author", "buyer",
     "shopper", "person", "subscriber", "guest", "visitor", "consumer", "patient",
     "participant", "requester", "patron", "purchaser", "recipient", "contact", "student",
     "passenger", "rider", "tenant", "traveller", "traveler", "learner"}
)  # fmt: skip
# People who serve the customer: their id is the customer's only where no other party's is.
SERVICE_PARTIES = frozenset(
    {"driver", "courier", "instructor", "teacher", "tutor", "lecturer", "leader", "doctor",
     "physician", "nurse", "therapist", "landlord", "broker", "coach", "trainer", "guide",
     "host", "rep", "dealer", "installer", "provider", "carrier"}
)  # fmt: skip
RESPONSE_WORDS = frozenset({"response", "answer", "reply"})
RESPONDER_WORDS = frozenset(
    {"company", "business", "management", "owner", "host", "seller", "merchant", "brand",
     "store", "vendor", "developer", "official"}
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
    "rep": "representative", "reps": "representative",
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
    {"default", "primary", "secondary", "work", "personal", "private", "business", "alternate",
     "alternative", "other", "main", "mobile", "location", "contact", "geo", "device",
     "of", "the"}
)  # fmt: skip
# Words saying a column counts or measures something about an identifier, not the identifier.
METRIC_WORDS = frozenset(
    {"opens", "open", "opened", "clicks", "click", "clicked", "count", "counts", "sent",
     "rate", "optin", "optout", "consent", "verified", "valid", "bounced", "bounce", "status",
     "type", "domain", "hash", "hashed", "score", "flag", "subscribed", "unsubscribed",
     "marketing", "preference", "delivered", "total", "share", "days", "d", "sends", "has",
     "is"}
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
    | STAFF_WORDS | NOTE_WORDS | CUSTOMER_PARTIES | RESPONDER_WORDS | SERVICE_PARTIES
    | {"state", "company", "marital", "quantity", "currency", "count", "group", "flag",
       "indicator", "percent", "balance", "year", "month", "week", "value", "gross", "vat",
       "authorization", "invoice", "family", "province", "ethnicity", "sex", "nationality",
       "record", "row", "object", "entity", "unique", "internal"}
    | set(SYNONYMS.values())
)  # fmt: skip
# Longer words an abbreviation may stand for, by prefix ("purch") or by the same consonants
# ("gndr", "cstmr"); people's words only by consonants ("auth" is no author).
ABBREVIATED_WORDS = frozenset(
    ALL_WORDS | set(SYNONYMS) | {"gender", "region", "ethnic", "ethnicity", "surname",
                                 "firstname", "mobile", "purchase", "discount", "channel",
                                 "preference", "segment", "order", "number", "status",
                                 "create", "update", "nationality", "religion", "middle"}
)  # fmt: skip
# An id that names no entity at all ("Record ID", "Unique ID"): the customer's in a customers
# file, where each row is one customer.
GENERIC_ID_WORDS = frozenset({"record", "row", "object", "entity", "unique", "internal"})
SHORT_TAILS = frozenset({"id", "nr", "no", "num", "art", "typ", "ort", "plz", "nm", "cd", "dt"})
