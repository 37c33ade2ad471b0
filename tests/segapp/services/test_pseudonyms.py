"""The pseudonym is exactly SPEC §11's HMAC, stable across file formats."""

from __future__ import annotations

import hashlib
import hmac

from segapp.services.pseudonyms import normalise_external_id, pseudonymise


def test_pseudonym_is_the_keyed_hmac_of_the_spec(settings):
    settings.PSEUDONYM_KEY = "k3y"
    expected = hmac.new(b"k3y", b"CUST-42", hashlib.sha256).hexdigest()
    assert pseudonymise("CUST-42") == expected


def test_numeric_ids_from_json_map_like_csv_strings():
    assert normalise_external_id(12.0) == normalise_external_id(12) == normalise_external_id(" 12 ")
