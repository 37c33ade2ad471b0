"""Phone numbers by shape: what a reader would take for someone's number.

A number does not have to be allocated, or even valid, to be personal data in a
review: "+31 6 91756689" or "55 3360 9913" is someone's number whatever the
numbering plan says. So phonenumbers' validity is never asked. A candidate is a
run of digit groups (a leading ``+`` or ``00``, groups separated by single spaces,
dots, dashes or slashes, an area code in brackets, a ``(0)`` trunk, an extension)
and it is a phone number when:

* it holds 7 to 15 digits (E.164's ceiling), not counting a ``00`` prefix, a
  ``(0)`` trunk or the extension, and is not a date, time, price, version,
  thousands-grouped amount or list of years;
* and it is laid out like a phone number: international (``+`` / ``00``), with
  a bracketed area code, or in two or more groups; or, written compactly, it
  starts with a trunk ``0``, follows a phone word ("call", "mobile", "tel"...),
  or is a possible national number in some region (phonenumbers' possible
  lengths, the ``Leniency.POSSIBLE`` test, over all regions) while not being
  introduced as an order, ticket or account number.

Candidates introduced as an order, invoice, ticket, account, ISBN... number are
kept, unless they are international or a phone word is nearer.
"""

from __future__ import annotations

import functools
import re

from nlp.redact.shapes import WORD_CHAR

__all__ = ["PHONE_CANDIDATE", "find_phones"]

Span = tuple[int, int]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPACE = "[ \t\u00a0\u2009\u202f]"
_DASHES = "\\-\u2010\u2011\u2012\u2013"
# One separator between digit groups: a dash, dot or slash (spaces around it
# allowed), or one or two spaces; brackets need no separator ("+44(0)20").
_SEP = rf"(?:{_SPACE}?[{_DASHES}./]{_SPACE}?|{_SPACE}{{1,2}})"
_GROUP = r"(?:\(\+?\d{1,6}\)|\d{1,15})"
_EXTENSION = rf"(?:{_SPACE}?,?{_SPACE}*(?i:ext(?:ension)?\.?|x|\#){_SPACE}?\d{{1,6}}(?!\w))"
PHONE_CANDIDATE = re.compile(
    rf"(?<!{WORD_CHAR}|[+#№$£€¥₹&/.,{_DASHES}])"
    rf"(?P<number>(?:\+{_SPACE}?)?{_GROUP}(?:(?:{_SEP}|(?<=\))|(?=\())(?:{_GROUP})){{0,9}})"
    rf"(?P<extension>{_EXTENSION})?"
    rf"(?!{WORD_CHAR}|[%‰°]|[{_DASHES}/.,]{WORD_CHAR})"
)
"""Every phone span :func:`find_phones` reports is a match of this expression."""

# Dates and clock times, blanked before candidates are looked for: "on 12/03/2024
# 0207 946 0958" must not run the date into the number.
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    r"(?<![\d.])(?:"
    rf"{_DAY}(?P<s1>[/.-]){_MONTH}(?P=s1)(?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH}(?P<s2>[/.-]){_DAY}(?P=s2)(?:\d{{4}}|\d{{2}})"
    rf"|\d{{4}}(?P<s3>[/.-]){_MONTH}(?P=s3){_DAY}"
    r")(?![\d]|\.\d)"
)
_TIME = re.compile(
    r"(?<![\d.:])(?:[01]?\d|2[0-3])(?:[:h][0-5]\d(?::[0-5]\d)?(?![\d:])|\.[0-5]\d(?![\d:]|\.\d))"
)

_CURRENCY_BEFORE = re.compile(
    r"(?:[$£€¥₹₩₽¢]|\b(?:[A-Z]{3}|R\$|A\$|C\$|NZ\$|HK\$|S\$|zł|kr|Rs\.?))[ \t\u00a0]?$"
)
_AMOUNT_AFTER = re.compile(
    r"[ \t\u00a0]?(?:[$£€¥₹₩₽]|(?i:zł|kr|eur|usd|gbp|chf|aud|cad|inr|jpy|euros?|dollars?|"
    r"pounds?|rupees?|yen|points|pts|miles|km|kg|views|followers|likes|downloads|users|"
    r"people|customers|units|items|copies)\b)"
)
_VERSION_BEFORE = re.compile(
    r"(?i)\b(?:v|ver|version|versions|firmware|build|release|update|ios|android|windows)\.?[ \t]*$"
)

# The words nearest before a candidate say what it is. Phone words make even a
# compact run a number; id words make a run an order/ticket/account number.
_PHONE_WORDS = _words(
    """
    phone sms phones telephone tel tele mobile mob mobil cell cellphone landline call
    called calling ring rang ringing text texted texting txt sms whatsapp whatsapped
    viber signal telegram contact reach fax dial dialled dialed helpline hotline
    voicemail number numbers no nr nos
    """
)
_ID_WORDS = _words(
    """
    order orders invoice invoices ticket tickets ref reference booking reservation
    account acct customer member membership tracking parcel consignment shipment sku
    serial model item product part isbn ean upc imei barcode transaction confirmation
    case claim policy receipt voucher coupon batch lot postcode zip pin id code room
    flight seat gate table
    """
)
# The same in the other languages reviews come in, and the endings of compounds
# that name an id ("Bestellnummer", "Kundennr").
_ID_WORDS |= _words(
    """
    pedido pedidos encomenda bestellung auftrag rechnung kunde kunden sendung commande
    facture ordine fattura factura zamowienie zamówienie siparis sipariş bestelling
    factuur referencia referência référence riferimento referenz
    """
)
_ID_COMPOUND_ENDINGS = ("nummer", "nr", "numero", "número", "numéro", "no")
# Stems that make such a compound a phone number instead ("Telefonnummer", "Handynr").
_PHONE_STEMS = ("tel", "phon", "fon", "handy", "mobil", "cell", "ruf", "fax", "whatsapp")
# Words that call a number a barcode: never a number to call, whatever its layout.
_BARCODE_WORDS = _words("ean upc gtin isbn issn barcode imei")
# Words that name the number itself as a reference of some thing, whatever its layout.
_STRONG_ID_WORDS = _BARCODE_WORDS | _words(
    "part model serial sku order orders invoice ticket tracking reference ref batch lot"
)
_WORD_BEFORE = re.compile(r"[^\W\d_]+")


_CLAUSE_BREAK = re.compile(r"[.!?;\n]")
_QUALIFIERS = frozenset({"number", "numbers", "no", "nr", "nos"})


def _context(text: str, start: int) -> str | None:
    """'phone', 'id' or None: what the words just before ``start`` call the number.

    Only the current clause counts. An id word counts only where it names this
    number ("order 783458", "ticket no. 5521", "account: ..."), i.e. when nothing
    but "number", "no.", "is", "#" or ":" stands between them; a phone word
    anywhere among the four words before counts ("call me tomorrow on ...").
    """
    window = _clause_before(text, start, 40)
    asked = _asked_for(text, start) if _TURN.match(window) else None
    if asked is not None:
        return asked
    found = [(m.group(), m.end()) for m in _WORD_BEFORE.finditer(window)][-4:]
    words = [word.lower() for word, _ in found]
    naming = list(reversed(found))
    # Qualifiers and short capitalised codes ("part number PN ...") between the name and it.
    while naming and (
        naming[0][0].lower() in _QUALIFIERS | {"is", "was", "my", "the", "your", "our"}
        or (naming[0][0].isupper() and len(naming[0][0]) <= 3 and len(naming) > 1)
    ):
        naming.pop(0)
    if naming and not any(c.isdigit() for c in window[naming[0][1] :]):
        word = naming[0][0].lower()
        if word in _BARCODE_WORDS:
            return "barcode"
        if word in _STRONG_ID_WORDS and not any(
            w in _PHONE_WORDS and w not in _QUALIFIERS
            for w in _WORD_BEFORE.findall(_clause_before(text, start, 80).lower())
        ):
            return "strong id"
        if word in _ID_WORDS or _is_id_compound(word):
            return "id"
    if any(word in _PHONE_WORDS or word.startswith(_PHONE_STEMS) for word in words):
        return "phone"
    return None


def _clause_before(text: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start``, from the start of their clause."""
    window_start = max(0, start - width)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, window_start, start)]
    return text[breaks[-1] if breaks else window_start : start]


def _is_id_compound(word: str) -> bool:
    """ "Bestellnummer", "kundennr": a compound naming an id, not a phone number."""
    return any(
        word.endswith(ending) and len(word) > len(ending) + 2 for ending in _ID_COMPOUND_ENDINGS
    ) and not word.startswith(_PHONE_STEMS)


# A chat turn whose only words before the number are its speaker and a lead-in.
_TURN = re.compile(
    r"[ \t]*[^\W\d_][\w .'-]{0,30}:[ \t]*(?:(?i:it['’]?s|it is|sure|yes|ok)[,.! \t]*)*$"
)


def _asked_for(text: str, start: int) -> str | None:
    """In a chat, what the previous turn asked for when this turn is the bare answer.

    "Agent: Can I have your order number?\nCustomer: 2024..." answers with an id;
    "...your phone number?" with a phone number.
    """
    line_start = text.rfind("\n", 0, start)
    if line_start <= 0:
        return None
    previous = text[text.rfind("\n", 0, line_start) + 1 : line_start].lower()
    words = _WORD_BEFORE.findall(previous)
    if any(word in _PHONE_WORDS and word not in _QUALIFIERS for word in words):
        return "phone"
    if any(word in _ID_WORDS or word in _STRONG_ID_WORDS for word in words):
        return "id"
    return None


@functools.cache
def _national_lengths() -> frozenset[int]:
    """Digit counts some region's numbering plan deems possible for a national number.

    This is phonenumbers' ``is_possible_number`` (``Leniency.POSSIBLE``) over every
    region, reduced to what it checks: the length of the national significant
    number, plus one for regions that dial a trunk prefix.
    """
    from phonenumbers import PhoneMetadata
    from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

    lengths: set[int] = set()
    for region in SUPPORTED_REGIONS:
        metadata = PhoneMetadata.metadata_for_region(region)
        possible = set(metadata.general_desc.possible_length)
        possible |= set(metadata.general_desc.possible_length_local_only or ())
        lengths |= possible
        if metadata.national_prefix:
            lengths |= {n + len(metadata.national_prefix) for n in possible}
    return frozenset(lengths)


def _is_thousands(groups: list[str], separators: set[str]) -> bool:
    """'1.234.567' or '1,234,567': an amount, not a number to call."""
    return (
        len(separators) == 1
        and separators <= {".", ","}
        and 1 <= len(groups[0]) <= 3
        and all(len(g) == 3 for g in groups[1:])
    )


def _is_phone(text: str, match: re.Match[str]) -> bool:
    number = match.group("number")
    start = match.start()
    groups = re.findall(r"\d+", number)
    separators = set(re.findall(rf"[{_DASHES}./]", number))
    digits = "".join(groups)
    international = number.startswith(("+", "(+"))
    if (
        not international
        and digits[:2] == "00"
        and digits[2:3] != "0"
        and len(groups[0]) >= 3
        and len(digits) >= 9
    ):
        # "0044 20 ...": the international call prefix, then a country code and
        # at least seven digits; otherwise the zeros are part of a national number.
        international, digits = True, digits[2:]
    count = len(digits) - ("(0)" in number.replace(" ", ""))  # the trunk is not dialled
    if not 7 <= count <= 15:
        return False
    before = text[max(0, start - 12) : start]
    if _CURRENCY_BEFORE.search(before) or _AMOUNT_AFTER.match(text, match.end()):
        return False
    if _VERSION_BEFORE.search(before):
        return False
    if international:
        return True
    if _is_thousands(groups, separators):
        return False
    if len(groups) == 2 and separators and separators <= {".", ","}:
        return False  # a decimal number: "3.14159265"
    if len(groups) >= 2 and all(len(g) == 4 and g[:2] in {"19", "20"} for g in groups):
        return False  # a list of years: "2019 2020 2021"
    context = _context(text, start)
    if number.startswith("("):
        return True  # an area code in brackets
    if (
        len(groups) >= 2
        and any(len(g) < 2 for g in groups[1:])
        and "(" not in number
        and context != "phone"
    ):
        # "3 1 2 4 5 6 7": scores or counts, not a layout; after a phone word a lone
        # digit is a mobile or area prefix ("WhatsApp 11 9 8765 4321", "mob 6 12 34 56 78").
        return False
    if context == "barcode" or (context == "strong id" and "(" not in number):
        return False  # "EAN 0885909950805", "part number 04-1123-887"
    if context in {"id", "strong id"} and (len(groups) < 3 and not digits.startswith("0")):
        return False  # "account 4410 2231", "customer 99812345"; "0113 496 0068" stays
    if _is_dated_reference(groups, separators):
        return False  # "2024-05-118": a reference that starts with the year and month
    # A compact run with no telling word: phonenumbers' POSSIBLE test over all regions.
    return len(groups) >= 2 or context == "phone" or count in _national_lengths()


def _is_dated_reference(groups: list[str], separators: set[str]) -> bool:
    """A year, a month, then a serial ("2024-05-118"): how shops number orders."""
    return (
        len(groups) >= 3
        and bool(separators)
        and len(groups[0]) == 4
        and groups[0][:2] in {"19", "20"}
        and len(groups[1]) == 2
        and 1 <= int(groups[1]) <= 12
    )


def find_phones(text: str) -> list[Span]:
    """Spans of phone numbers, international or national, valid or not."""
    if not any(c.isdigit() for c in text):
        return []
    blanked = _TIME.sub(lambda m: " " * len(m.group()), _DATE.sub(_blank, text))
    spans = []
    for match in PHONE_CANDIDATE.finditer(blanked):
        if _is_phone(blanked, match):
            spans.append(match.span())
    return spans


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def could_be_phone(text: str) -> bool:
    """Cheap necessary condition for :func:`find_phones`: seven digits close together."""
    return _SEVEN_DIGITS.search(text) is not None


_SEVEN_DIGITS = re.compile(r"\d(?:[^\w\n]{0,5}\d){6,}")
