"""Ids of parties the vocabulary does not name ("rider_id", "policyHolderId", "Student ID").

The name says where the party stands (a person served, someone serving, a thing);
the values must confirm that the column holds ids of people (see the pickers).
"""

from __future__ import annotations

from segapp.services.ingest import vocabulary as vocab
from segapp.services.ingest.name_words import (
    ALL_WORDS,
    CUSTOMER_PARTIES,
    DATE_WORDS,
    DROP_WORDS,
    ENTITY_WORDS,
    ID_WORDS,
    PARTY_QUALIFIERS,
    SENSITIVE_WORDS,
    SERVICE_PARTIES,
    STAFF_WORDS,
    SUBJECT_WORDS,
)
from segapp.services.ingest.names import name_tokens


def party_id_score(name: str) -> tuple[float, str]:
    """(score, the party) for an id of a party the vocabulary does not name ("rider_id",
    "policyHolderId", "Student ID", "passenger"): 0 when the name says nothing of the kind.

    The word before the id words is the party: a word for a person served (student,
    passenger, tenant …) scores 2, an unknown word 1.5 (1 before a code or reference); a
    party serving the customer (driver, instructor …) 0.25; a thing, a date, a sensitive
    or identifying word none. Values must confirm it (see the pickers).
    """
    tokens = [token for token in name_tokens(name) if token not in PARTY_QUALIFIERS]
    ids = [token for token in tokens if token in ID_WORDS]
    words = [token for token in tokens if token not in ID_WORDS]
    if not words or any(token.isdigit() for token in words):
        return 0.0, ""
    if not ids and (len(words) > 1 or words[0] not in CUSTOMER_PARTIES):
        return 0.0, ""
    refused = ENTITY_WORDS | DROP_WORDS | SENSITIVE_WORDS | DATE_WORDS | STAFF_WORDS
    if set(words) & refused or tokens[-1] not in ID_WORDS | CUSTOMER_PARTIES:
        return 0.0, ""
    head = words[-1]
    if head in SERVICE_PARTIES:
        return 0.25, head
    if head in CUSTOMER_PARTIES | SUBJECT_WORDS:
        return 2.0, head
    if head in ALL_WORDS or head in vocab.FOREIGN_WORDS or len(words) > 2:
        return 0.0, ""
    return (
        1.5 if set(ids) & {"id", "ids", "no", "nr", "num", "number", "uuid", "guid"} else 1.0
    ), head
