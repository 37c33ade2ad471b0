"""Recognisers of personal data by its written shape, never by its validity.

Each ``find_*`` function returns the ``(start, end)`` spans of one kind in a text.
A privacy filter has to catch what *looks like* an e-mail address or a card number
to a reader: an address at a reserved domain (``.test``, ``.example``) or a card
number failing the Luhn check is still someone's data as far as a stored review
is concerned. Validity checks (domain lists, checksums, allocated number ranges)
are therefore never used to reject a match; only shapes that are clearly
something else (a date, a price, a version) are.

Every finder only reports spans matched by its ``*_CANDIDATE`` regular
expression, and :data:`CANDIDATES` collects those expressions, so the
pre-filter can skip a text none of them matches without ever missing a span.
Phone numbers have their own module, :mod:`nlp.redact.phones`.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = [
    "CANDIDATES",
    "find_cards",
    "find_emails",
    "find_handles",
    "find_ibans",
    "find_ips",
    "find_urls",
]

Span = tuple[int, int]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ----------------------------------------------------------------------------------
# E-mail addresses
# ----------------------------------------------------------------------------------

# Local part: RFC 5322 "atext" (letters of any script, digits, !#$%&'*+/=?^`{|}~-)
# in dot-separated runs, or a quoted string. Domain: dot-separated labels of
# letters/digits/hyphens of any script (IDN-looking or punycode) whose last label
# holds a letter, or a bracketed address literal. No list of top-level domains:
# ".test", ".example", ".invalid" and brand-new TLDs are addresses like any other.
_ATEXT = r"[\w!#$%&'*+/=?^`{|}~-]"
_EMAIL_CANDIDATE = re.compile(
    rf'(?:"[^"\n@]{{1,64}}"|{_ATEXT}+(?:\.{_ATEXT}+)*)'
    r"@"
    r"(?:\[[^\]\s]{2,64}\]|(?:[\w-]+\.)+[\w-]*[^\W\d_][\w-]*)"
)
# Characters a local part may start with that in prose are usually punctuation
# around the address ('jane@x.test', {jane@x.test}).
_EMAIL_LEADING_PUNCTUATION = "'`{|}~/=?^&%$#!*+-"


def find_emails(text: str) -> list[Span]:
    """Spans of e-mail addresses, whatever their domain or top-level domain."""
    spans = []
    for match in _EMAIL_CANDIDATE.finditer(text):
        start, end = match.span()
        while text[start] in _EMAIL_LEADING_PUNCTUATION and text[start + 1] != "@":
            start += 1
        if text[end - 1] == "-":
            end -= 1
        spans.append((start, end))
    return spans


# ----------------------------------------------------------------------------------
# Social handles
# ----------------------------------------------------------------------------------

# A person's @handle cannot be told from a brand's, so every @handle counts.
_HANDLE_CANDIDATE = re.compile(r"(?<![\w@./])@[A-Za-z_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){0,29}")


def find_handles(text: str) -> list[Span]:
    """Spans of social ``@handles`` (e-mail addresses win where they overlap)."""
    return [match.span() for match in _HANDLE_CANDIDATE.finditer(text)]


# ----------------------------------------------------------------------------------
# Card numbers
# ----------------------------------------------------------------------------------

# 13-19 digits written the way cards are: compact, or a group of four followed by
# groups of four to six (4-4-4-4, 4-4-4-4-3, 4-4-5, and the 4-6-5 / 4-6-4 of
# American Express and Diners), with the same separator throughout: one or more
# spaces of any width (people pad groups: "4619  0697 ..."), or a dash, dot or
# slash with optional spaces around it.
# The Luhn check is not applied: a mistyped or made-up number is still a number
# someone typed as their card.

# A character of a word in a script that separates words with spaces. Digits
# glued to such letters are part of a code ("SM-G991B", "abc123"); Chinese,
# Japanese, Korean and Thai run words together, so a number right after "番号は"
# or before "です" still stands alone.
WORD_CHAR = r"[^\W\u0e00-\u0e7f\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]"

_CARD_SPACE = "[ \t\u00a0\u2009\u202f]"
_CARD_CANDIDATE = re.compile(
    rf"(?<!{WORD_CHAR}|[+/.,-])"
    rf"(?:\d{{13,19}}|\d{{4}}(?P<sep>{_CARD_SPACE}{{1,3}}|{_CARD_SPACE}?[./\-\u2010-\u2013]{_CARD_SPACE}?)"
    r"\d{4,6}(?:(?P=sep)\d{1,6}){1,3}"
    # The 6-13 split of 19-digit cards (an issuer prefix, then the account): "623345-5206...".
    rf"|\d{{6}}(?:{_CARD_SPACE}|{_CARD_SPACE}?[\-\u2010-\u2013]{_CARD_SPACE}?)\d{{10,13}})"
    rf"(?!{WORD_CHAR}|[./,\-\u2010-\u2013]\d)"
)


# Compact runs that the words before them name as a product or shipment code.
_BARCODE_WORDS = _words("ean upc gtin isbn issn barcode")
_CODE_WORDS = _words(
    """
    ean upc gtin isbn issn imei barcode sku serial tracking order invoice reference ref
    transaction parcel consignment shipment awb waybill booking confirmation
    """
)
_CODE_QUALIFIERS = _words("number no nr num code id is was")
_WORD_RUN = re.compile(r"[^\W\d_]+")


def _code_word(text: str, start: int) -> str | None:
    """The word right before ``start`` that calls the number a code ("EAN", "order no.")."""
    window = re.split(r"[.!?;\n]", text[max(0, start - 30) : start])[-1]
    words = [w.lower() for w in _WORD_RUN.findall(window)][-3:]
    while words and words[-1] in _CODE_QUALIFIERS:
        words.pop()
    if words and words[-1] in _CODE_WORDS and not any(c.isdigit() for c in window):
        return words[-1]
    return None


def _gtin_check(digits: str) -> bool:
    """The check digit of an EAN/UPC/GTIN barcode (weights 3 and 1 from the right)."""
    total = sum(int(c) * (3 if position % 2 else 1) for position, c in enumerate(reversed(digits)))
    return total % 10 == 0


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def find_cards(text: str) -> list[Span]:
    """Spans of card numbers: 13-19 digits in a card layout, Luhn-valid or not.

    Checksums only ever add evidence: a compact run that the text calls a barcode,
    ISBN, IMEI, order or tracking number is left alone unless it passes the Luhn
    check, and one called a barcode (EAN, UPC, GTIN, ISBN) is left alone when its
    barcode check digit is right; grouped like a card it is a card whatever the
    words say.
    """
    spans = []
    for match in _CARD_CANDIDATE.finditer(text):
        digits = sum(c.isdigit() for c in match.group())
        if not 13 <= digits <= 19:
            continue
        number = match.group()
        code = _code_word(text, match.start()) if number.isdigit() else None
        if code is not None and (
            not _luhn(number) or (code in _BARCODE_WORDS and _gtin_check(number))
        ):
            continue
        groups = re.findall(r"\d+", number)
        if len(groups) > 1 and all(len(g) == 4 and g[:2] in {"19", "20"} for g in groups):
            continue  # a list of years: "2021/2022/2023/2024"
        spans.append(match.span())
    return spans


# ----------------------------------------------------------------------------------
# IBANs
# ----------------------------------------------------------------------------------

# Two letters, two digits, then 11-30 letters/digits, compact or in groups of four,
# in any case. The checksum and the country's length are not checked. A bank
# account part (BBAN) is mostly digits, which keeps "AB12 with free wifi" out.
_IBAN_CANDIDATE = re.compile(
    r"(?<![\w-])[A-Za-z]{2}\d{2}(?:[ \t-]?[A-Za-z0-9]{4}){2,7}(?:[ \t-]?[A-Za-z0-9]{1,4})?(?!\w)"
)
_IBAN_GROUP = re.compile(r"[ \t-]?[A-Za-z0-9]+")


def find_ibans(text: str) -> list[Span]:
    """Spans of IBANs by shape: country letters, check digits, 11-30 alphanumerics."""
    spans = []
    for match in _IBAN_CANDIDATE.finditer(text):
        start, end = match.span()
        # Words grouped after the number ("... 1332 from my bank") are not part of it.
        groups = [g.span() for g in _IBAN_GROUP.finditer(text, start + 4, end)]
        while groups and not any(c.isdigit() for c in text[groups[-1][0] : groups[-1][1]]):
            groups.pop()
        if not groups:
            continue
        end = groups[-1][1]
        bban = re.sub(r"[ \t-]", "", text[start + 4 : end])
        if 11 <= len(bban) <= 30 and sum(c.isdigit() for c in bban) * 2 >= len(bban):
            spans.append((start, end))
    return spans


# ----------------------------------------------------------------------------------
# IP addresses
# ----------------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
# Anything made of hex digits and colons with at least two colons, possibly ending
# in an embedded IPv4 address or a zone index; Python's ipaddress decides whether
# it is an IPv6 address written in full or compressed form.
_IPV6 = r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[\w.]+)?"
_IP_CANDIDATE = re.compile(
    rf"(?<![\w.:])(?:(?P<v4>{_IPV4})(?![\w]|\.\d)"
    rf"|\[(?P<v6b>{_IPV6}(?:(?<=:){_IPV4})?)\](?::\d{{1,5}}(?!\w))?"
    rf"|(?P<v6>{_IPV6}(?:(?<=:){_IPV4})?)(?![\w:]|\.\d))"
    r"(?:/\d{1,3}(?!\w))?"
)
# "Version 2.3.1.4" and "firmware 10.0.19045.2965" are versions, not addresses.
_VERSION_BEFORE = re.compile(r"(?i)\b(?:v|ver|version|firmware|build|release|update)\.?\s*$")


def _is_ipv6(candidate: str) -> bool:
    groups = [g for g in re.split(r"[:%]", candidate) if g]
    if not groups or (len(groups) == 1 and "::" not in candidate):
        return False  # "::" alone and clock times are not addresses; "::1" is
    try:
        ipaddress.IPv6Address(candidate.split("%")[0])
    except ValueError:
        return False
    return True


def find_ips(text: str) -> list[Span]:
    """Spans of IPv4 and IPv6 addresses (full or compressed), not software versions."""
    spans = []
    for match in _IP_CANDIDATE.finditer(text):
        v6 = match.group("v6") or match.group("v6b")
        if v6 is not None and not _is_ipv6(v6):
            continue
        if match.group("v4") is not None and _VERSION_BEFORE.search(
            text, max(0, match.start() - 20), match.start()
        ):
            continue
        spans.append(match.span())
    return spans


# ----------------------------------------------------------------------------------
# URLs with something personal in them
# ----------------------------------------------------------------------------------

_HOST = r"(?:[\w-]+\.)+[^\W\d_][\w-]*"
_URL_CANDIDATE = re.compile(
    r"(?i)(?<![\w@.])"
    r"(?:(?:https?|ftp)://[^\s<>\"'`]+"
    rf"|www\d{{0,3}}\.[^\s<>\"'`]+"
    rf"|{_HOST}(?::\d{{1,5}})?[/?#][^\s<>\"'`]*)"
)
_TRAILING_PUNCTUATION = ".,;:!?'\")]}"
_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:facebook|fb|instagram|instagr|twitter|x|linkedin|tiktok|youtube|youtu|"
    r"pinterest|reddit|github|gitlab|medium|threads|snapchat|tumblr|flickr|vk|ok|t|wa|"
    r"onlyfans|patreon|twitch|soundcloud|telegram|discord|bsky|mastodon|xing|behance|"
    r"dribbble|quora|weibo|linktr|substack|about|venmo|paypal|cash|strava|goodreads|"
    r"vimeo|spotify|deviantart|etsy|ko-fi|buymeacoffee)\.[a-z.]{2,}$"
)
# A path segment that names or numbers someone: digits, e-mail-like, "~user",
# dotted or underscored user names, encoded characters, long random tokens.
_PERSONAL_SEGMENT = re.compile(r"[\d@~._%+=]|^[A-Za-z0-9_-]{16,}$")
_PERSONAL_WORDS = _words(
    """
    account accounts user users u profile profiles member members me my people in id
    customer customers order orders invoice invoices receipt receipts track tracking
    unsubscribe reset verify confirm share shared wishlist wishlists gift registry
    subscription subscriptions booking bookings reservation reservations ticket tickets
    parcel parcels shipment shipments delivery deliveries returns-label label login auth
    token session password activate activation invite referral ref portfolio
    """
)


def _is_personal_fragment(fragment: str) -> bool:
    """Whether a fragment is an app route or a token rather than an in-page anchor."""
    return "/" in fragment.strip("/") or bool(_PERSONAL_SEGMENT.search(fragment))


def _is_personal_url(url: str) -> bool:
    """Whether a URL carries something about a person: a query, fragment or personal path."""
    try:
        parts = urlsplit(url if "://" in url else f"//{url}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return True
    if parts.query or _is_personal_fragment(parts.fragment):
        return True
    if parts.username or parts.password:
        return True
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return False
    if _SOCIAL_HOSTS.search(host):
        return True
    return any(
        _PERSONAL_SEGMENT.search(s) or s.lower() in _PERSONAL_WORDS or _names_someone(s)
        for s in segments
    )


def _names_someone(segment: str) -> bool:
    """Whether a path segment holds a word that is no ordinary English word.

    Slugs of help and shop pages are made of words ("help/returns",
    "spring-sale"); a slug with a name or another non-word ("dr-nkosi",
    "anna.k", "mkowalski") most likely points at a person's page.
    """
    from nlp.redact.name_words import is_ordinary_word

    words = [w for w in re.split(r"[-_+]+", segment.lower()) if w.isalpha()]
    return any(not is_ordinary_word(word) for word in words)


def find_urls(text: str) -> list[Span]:
    """Spans of URLs that carry something personal (bare domains and help pages stay)."""
    spans = []
    for match in _URL_CANDIDATE.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING_PUNCTUATION:
            # A closing bracket that belongs to the URL stays ("/wiki/A_(b)").
            closer = text[end - 1]
            opener = {")": "(", "]": "[", "}": "{"}.get(closer)
            if opener and text.count(opener, start, end) >= text.count(closer, start, end):
                break
            end -= 1
        if end > start and _is_personal_url(text[start:end]):
            spans.append((start, end))
    return spans


CANDIDATES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("@", _EMAIL_CANDIDATE),
    ("@", _HANDLE_CANDIDATE),
    ("", _CARD_CANDIDATE),
    ("", _IBAN_CANDIDATE),
    (".:", _IP_CANDIDATE),
    ("/?#@", _URL_CANDIDATE),  # a personal URL has a path, query, fragment or user
)
"""Every span a finder above reports is a match of one of these expressions, and
contains one of the characters paired with it (when any are given)."""
