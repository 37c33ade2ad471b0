"""PII redaction of customer free text before it is stored or embedded.

Reviews, survey answers and social posts go through :class:`Redactor`, which
replaces personal data with typed placeholders in square brackets:

``[EMAIL]``, ``[PHONE]``, ``[CARD]`` (Luhn-checked), ``[IBAN]`` (checksum-checked),
``[IP]`` (v4 and v6), ``[URL]`` (only URLs with a personal path or a query string:
a bare domain such as ``www.shop.com`` stays), ``[NAME]`` (person names, where a
first-name list and the surrounding words make them detectable) and ``[HANDLE]``
(social ``@mentions``: a person's handle cannot be told from a brand's, so every
``@handle`` is redacted).

Presidio is the engine (its pattern recognizers plus two of ours: person names
and ``@handles``). It runs on a blank spaCy pipeline, so no model is ever loaded
or downloaded. Presidio costs 0.3-2 ms per text, so a cheap pre-filter
first decides whether a text could contain anything a recognizer would flag; texts
that cannot are returned unchanged without calling Presidio. The pre-filter is
derived from the recognizers' own patterns and must never skip a text the full
engine would change (the tests check this).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from spacy.tokens import Doc

__all__ = ["PLACEHOLDERS", "Redaction", "Redactor"]

PLACEHOLDERS: tuple[str, ...] = ("EMAIL", "PHONE", "CARD", "IBAN", "IP", "URL", "NAME", "HANDLE")
"""The placeholder names that can appear, as ``[NAME]``, in redacted text."""

_PLACEHOLDER_FOR_ENTITY = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "PERSON": "NAME",
    "HANDLE": "HANDLE",
}
# When two detections overlap, the one earlier here wins and absorbs the other's span,
# so a card number is never half-replaced as a phone number.
_PRIORITY = {
    name: rank
    for rank, name in enumerate(("CARD", "IBAN", "EMAIL", "URL", "IP", "PHONE", "HANDLE", "NAME"))
}

PHONE_REGIONS = ("US", "GB", "DE", "FR", "IE", "AU", "CA", "IN")
"""Regions whose national phone formats are recognised (international ones always are)."""

_LANGUAGE = "en"

# ----------------------------------------------------------------------------------
# Digits shared by phone, card and IBAN detection and by the pre-filter
# ----------------------------------------------------------------------------------

# Seven or more digits with at most four punctuation/space characters between them.
# A phone match must contain such a run outside a date (shorter "numbers" cannot be
# told from order numbers and prices), and every card match does; so the pre-filter
# can look for one run in the whole text without ever skipping a phone or a card.
_DIGIT_RUN = re.compile(r"\d(?:[^\w\n]{0,4}\d){6,}")
# Dates are blanked before looking for such a run: "returned on 18/10/2021" is common
# in reviews and is never a phone number (phonenumbers itself skips slash dates).
_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})|\d{1,2}[.-]\d{1,2}[.-]\d{4}|\d{4}-\d{1,2}-\d{1,2})(?!\d)"
)


def _blank_dates(text: str) -> str:
    """``text`` with every date replaced by as many spaces (offsets are kept)."""
    return _DATE.sub(lambda date: " " * len(date.group()), text)


def _has_digit_run(text: str) -> bool:
    """Whether ``text`` holds seven or more digits in a row that are not a date."""
    return _DIGIT_RUN.search(text) is not None and _DIGIT_RUN.search(_blank_dates(text)) is not None


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# ----------------------------------------------------------------------------------
# URLs
# ----------------------------------------------------------------------------------

_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:facebook|fb|instagram|twitter|x|linkedin|tiktok|youtube|pinterest|reddit|"
    r"github|medium|threads|snapchat|tumblr|flickr|vk|t|wa|onlyfans|patreon|twitch|soundcloud)"
    r"\.(?:com|net|me|org|tv)$"
)
_PERSONAL_SEGMENT = re.compile(r"[\d@~._%+]")
_PERSONAL_WORDS = _word_set(
    "account accounts user users u profile profiles member members me my people in id "
    "customer customers order orders invoice invoices receipt receipts track tracking "
    "unsubscribe reset verify confirm"
)


def _is_personal_url(url: str) -> bool:
    """Whether a URL carries something about a person: a query string or a personal path."""
    try:
        parts = urlsplit(url if "://" in url else f"//{url}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return True
    if parts.query:
        return True
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return False
    if _SOCIAL_HOSTS.search(host):
        return True
    return any(_PERSONAL_SEGMENT.search(s) or s.lower() in _PERSONAL_WORDS for s in segments)


# ----------------------------------------------------------------------------------
# Person names
# ----------------------------------------------------------------------------------

# Words that are also first names in the gender_guesser dictionary but are far more
# often ordinary words, product names or places in review text. They only count as
# names with context ("Thanks, Will", "this is Grace", "my son Mark").
_COMMON_WORD_NAMES = _word_set(
    """
    will may june april august march summer autumn winter spring dawn night day grace
    hope joy faith charity patience constance prudence mercy destiny honor honour mark
    bill pat sue rob don ray frank art guy drew grant chase hunter miles rich win lance
    wade pierce reed dean earl duke king prince princess queen baron major noble royal
    rose lily daisy holly ivy iris violet heather hazel olive ginger cherry jasmine
    poppy fern amber ruby pearl jade crystal coral opal jewel diamond emerald sterling
    silver gold penny sandy rusty dusty misty sunny rocky stormy storm rain sky river
    brook forest meadow willow stone wolf buck bud chip chuck dot kit pip vic nat ned mo
    bo jo al ed candy honey brandy sherry melody harmony rod dale buddy dee con robin
    jack bobby carol carolina georgia virginia victoria sydney dallas austin chester
    madison jordan florence adelaide paris london india asia america france alberta
    dakota montana denver say said so can do than don long man go won line song due son
    young co per soon san ran mi deep oh else bay mine sun novel roman gun ago mile
    trees lies era beat marine urban santa moon tone lane lie tiny angel hey sub lap
    hung file constant hero chin loan fan tea clay gay odd hat gang jay oak bent ah ye
    sang eve slave mall mate duo hang jet ferry trinity ban harm ho hi cliff martial
    sierra merit ok okay bin ya dare min raid peer ram sin joke pile pin mar hardy tore
    tin bang doc im edit ion ton stole pier lone berry valve mentor yo asset rim alter
    cam mare roar saga owe tram hale ave nail ant pal gal fang ants pu greet nan lac
    bitten meta lore unto rye bun tome alla boo hilly shady mane grit uno rein brit bien
    dung love sad raven flora rex herb tanner basil earnest garland patty blanche carmel
    gale kitty laurel val mack marina sage page price case deal star happy merry lucky
    bliss blessing gift precious unity liberty justice chance genesis eden haven heaven
    phoenix nova venus aurora trinity
    """
)

# Capitalised words that are never taken as a name or surname, whatever the context:
# greeting objects ("Hi team"), brands, products, places that are also first names.
_NOT_NAMES = _word_set(
    """
    sir madam mam maam team all everyone everybody there guys folks friends again
    customer customers service services support care staff store shop delivery product
    order help desk manager mr mrs ms dr amazon apple google samsung sony nike adidas
    tesco asda argos ikea dyson philips bosch microsoft paypal visa mastercard amex ebay
    etsy boots primark zara hermes evri dpd ups fedex dhl royal mail alexa siri kindle
    echo prime netflix spotify uber deliveroo january february march july september
    october november december monday tuesday wednesday thursday friday saturday sunday
    christmas easter uk usa eu london paris
    """
)

_WORD = r"[^\W\d_]+(?:['’][^\W\d_]{2,}|-[^\W\d_]+)*"
_WORD_RE = re.compile(_WORD)
_GAP = r"[ \t]*,?[ \t]*"


def _uppercase_class() -> str:
    """A character class of the uppercase and titlecase letters of the BMP.

    Python's re has no ``\\p{Lu}``; cues that need a capitalised name use this so
    that the pre-filter (which runs every cue on every text) is not set off by
    "the courier was ...".
    """
    letters = [chr(c) for c in range(0x10000) if chr(c).isupper() or chr(c).istitle()]
    return "[" + "".join(re.escape(letter) for letter in letters) + "]"


_CAPITALISED = rf"(?={_uppercase_class()}){_WORD}"

# Each cue: (name, regex with a group "name", how a candidate is accepted).
#   "open":   any capitalised word that is not in _NOT_NAMES, or a known first name;
#   "known":  a capitalised word that is in the full first-name dictionary;
#   "self":   as "known", and followed by a clause end or a surname ("I'm Olga and ...").
_CUES: tuple[tuple[str, str, str], ...] = (
    (
        "introduction",
        r"(?i:\bmy name is|\bmy name's|\bname's|\bcall me|\bi am called|\bi'm called)"
        rf"[ \t]+(?P<name>{_WORD})",
        "open",
    ),
    (
        "self",
        r"(?i:\bi'm|\bi’m|\bim|\bi am|\bthis is|\bit's|\bit’s|\bit is|\bhere is|\bhere's)"
        rf"[ \t]+(?P<name>{_CAPITALISED})",
        "self",
    ),
    (
        "greeting",
        r"(?:^|(?<=[.!?\n]))[ \t]*(?i:hi|hello|hey|hiya|dear|good morning|good afternoon|"
        rf"good evening|morning|thanks|thank you|thx|cheers|many thanks)\b{_GAP}(?P<name>{_WORD})",
        "open",
    ),
    (
        "sign-off",
        r"(?:^|(?<=[.!?,;\n]))[ \t]*(?i:thanks|thank you|many thanks|cheers|regards|best regards|"
        r"kind regards|warm regards|warmest regards|sincerely|yours sincerely|yours truly|"
        rf"best wishes)\b[ \t]*[,!.:-]?\s*(?P<name>{_WORD})(?:[ \t]+{_WORD})?[ \t]*[.!]*\s*$",
        "open",
    ),
    (
        "weak sign-off",
        r"(?:^|(?<=[.!?,;\n]))[ \t]*(?i:best|love|yours|take care|all the best|xx|xoxo|x)\b"
        rf"[ \t]*[,!.:-]?\s*(?P<name>{_CAPITALISED})(?:[ \t]+{_WORD})?[ \t]*[.!]*\s*$",
        "known",
    ),
    (
        "dash sign-off",
        rf"(?:^|(?<=\s))[-–—~]+[ \t]*(?P<name>{_CAPITALISED})(?:[ \t]+{_WORD})?[ \t]*[.!]*\s*$",
        "known",
    ),
    ("title", rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?[ \t]+(?P<name>{_CAPITALISED})", "open"),
    (
        "reference",
        r"(?i:\bspoke to|\bspoke with|\bspeaking to|\bspeaking with|\btalked to|\btalked with|"
        r"\bask for|\basked for|\bserved by|\bhelped by|\bassisted by|\bnamed|\bshout ?out to|"
        r"\bthanks to|\bthank you to|\bmy (?:husband|wife|son|daughter|mum|mom|mother|dad|father|"
        r"friend|cousin|sister|brother|partner|boyfriend|girlfriend|fiancée?|neighbou?r|colleague|"
        r"boss|nan|gran|grandma|grandad|grandpa|niece|nephew|aunt|auntie|uncle|kid|child)|"
        r"\brep|\bagent|\badvis[oe]r|\bdriver|\bcourier|\bmanager|\bassistant|\btechnician|"
        rf"\bengineer)\b{_GAP}(?P<name>{_CAPITALISED})",
        "known",
    ),
)
_CUE_RES = tuple((re.compile(regex), rule) for _, regex, rule in _CUES)
_ANY_CUE = re.compile("|".join(f"(?:{regex.replace('(?P<name>', '(')})" for _, regex, _ in _CUES))
_CLAUSE_END = re.compile(r"[ \t]*(?:[,.!?;:)]|$|(?:and|from|here|speaking|again)\b)")
_SURNAME = re.compile(rf"[ \t]+({_WORD})")


@functools.cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: importing spaCy takes seconds)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Stop words that are also real first names, so a cue can still make them one.
_STOP_WORD_NAMES = frozenset({"will", "may"})


@dataclass(frozen=True)
class _FirstNames:
    """First names from gender_guesser's dictionary, lower-cased."""

    all: frozenset[str]  # every name in the dictionary: used only next to a cue
    common: frozenset[str]  # reasonably frequent and not an ordinary word: used on sight


@functools.cache
def _first_names() -> _FirstNames:
    """Read gender_guesser's nam_dict.txt once (about 50k names with per-country frequency)."""
    source = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    all_names: set[str] = set()
    common: set[str] = set()
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line[0] in "#=":
                continue
            # Columns 30+ hold one hex frequency digit per country, Great Britain,
            # Ireland and the USA first (see the file's header).
            frequencies = [
                int(c, 16) for c in line[30:].rstrip("\r\n") if c in "0123456789ABCDEFabcdef"
            ]
            english = [int(c, 16) for c in line[30:33] if c in "0123456789ABCDEFabcdef"]
            spelling = line.split()[1]
            variants = {spelling.replace("+", ""), spelling.replace("+", "-")}
            for variant in variants:
                name = variant.lower()
                if len(name) < 2:
                    continue
                all_names.add(name)
                if (max(english, default=0) >= 2 or max(frequencies, default=0) >= 4) and len(
                    name
                ) >= 3:
                    common.add(name)
    ambiguous = _COMMON_WORD_NAMES | _NOT_NAMES | _stop_words()
    return _FirstNames(all=frozenset(all_names - _NOT_NAMES), common=frozenset(common - ambiguous))


def _is_capitalised(word: str) -> bool:
    return word[0].isupper() and not word.isupper()


def _accept(word: str, rule: str, names: _FirstNames) -> bool:
    lower = word.lower()
    if lower in _NOT_NAMES or (lower in _stop_words() and lower not in _STOP_WORD_NAMES):
        return False
    if rule == "open":
        return _is_capitalised(word) or lower in names.common
    return _is_capitalised(word) and lower in names.all


def _name_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a first name to "First Last" when a capitalised non-stopword follows."""
    surname = _SURNAME.match(text, end)
    if surname and _is_capitalised(surname.group(1)):
        lower = surname.group(1).lower()
        if lower not in _NOT_NAMES | _COMMON_WORD_NAMES and lower not in _stop_words():
            return start, surname.end(1)
    return start, end


def _could_contain_name(text: str) -> bool:
    """Cheap check that the name recognizer could fire: a common first name, or a cue."""
    common = _first_names().common
    if any(_is_capitalised(w) and w.lower() in common for w in _WORD_RE.findall(text)):
        return True
    return _ANY_CUE.search(text) is not None


_CUE_SCORE = 0.85
_SIGHT_SCORE = 0.6


def _find_names(text: str) -> list[tuple[int, int, float]]:
    """Person names as (start, end, score), without an NER model.

    A capitalised, reasonably common first name that is not also an ordinary word
    ("Sophie", "Mohammed") is a name on sight. Any first name in the dictionary,
    including words like "Will" or "Grace", counts after a cue: "my name is",
    "I'm"/"this is", a greeting ("Hi", "Dear"), a sign-off at the end ("Regards, X",
    "- X"), a title ("Mrs"), or a reference ("spoke to", "my son", "driver").
    Greetings, introductions and formal sign-offs also take unknown capitalised
    words ("Regards, Zofia"). A following capitalised word extends the span to
    "First Last".
    """
    names = _first_names()
    spans: dict[tuple[int, int], float] = {}
    for regex, rule in _CUE_RES:
        for match in regex.finditer(text):
            if not _accept(match.group("name"), rule, names):
                continue
            start, end = match.span("name")
            span = _name_span(text, start, end)
            if rule == "self" and span == (start, end) and not _CLAUSE_END.match(text, end):
                continue
            spans[span] = _CUE_SCORE
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if _is_capitalised(word) and word.lower() in names.common:
            spans.setdefault(_name_span(text, *match.span()), _SIGHT_SCORE)
    return [(start, end, score) for (start, end), score in sorted(spans.items())]


# ----------------------------------------------------------------------------------
# Pre-filter
# ----------------------------------------------------------------------------------

# Each check is implied by the recognizers' own patterns, so a text failing all of
# them cannot be changed by the full engine:
#   "@"                      e-mail addresses and @handles;
#   [A-Z]{2}\d\d             the start of every IBAN match (matched case-sensitively);
#   dotted quad, "::", 7 colons   every IPv4 / IPv6 alternative;
#   ".tld/"                  a URL with a path (bare domains are never redacted);
#   _has_digit_run           phones (kept only with such a run) and cards (13+ digits,
#                            of which an adjacent date can blank at most four);
#   _could_contain_name      person names.
_MAYBE_PII = re.compile(
    r"@"
    r"|[A-Z]{2}\d\d"
    r"|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}"
    r"|::|(?:[0-9A-Fa-f]{1,4}:){7}"
    r"|(?i:\.[a-z]{2,}/)"
)


def _could_contain_pii(text: str, *, names: bool) -> bool:
    """Whether any recognizer could fire on ``text``; False means it is certainly clean."""
    return (
        _MAYBE_PII.search(text) is not None
        or _has_digit_run(text)
        or (names and _could_contain_name(text))
    )


# ----------------------------------------------------------------------------------
# Presidio engines
# ----------------------------------------------------------------------------------

# Fictional and not-yet-assigned numbers (555 numbers, Ofcom drama ranges) fail
# phonenumbers' validity check, but written in a standard layout they are still
# someone's number as far as a reader of the text is concerned.
_FORMATTED_PHONES = (
    (
        "North American layout",
        r"(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])",
    ),
    (
        "UK national layout",
        r"(?<![\w+])0(?:\d{4}[ ]?\d{6}|\d{3}[ ]?\d{3}[ ]?\d{4}|\d{2}[ ]?\d{4}[ ]?\d{4})(?![\w-])",
    ),
)
# Presidio's card pattern misses American Express numbers grouped 4-6-5.
_AMEX = r"\b3[47]\d{2}[- ]?\d{6}[- ]?\d{5}\b"
_HANDLE = r"(?<![\w@./])@[A-Za-z_](?:[A-Za-z0-9_]|\.(?=[A-Za-z0-9_])){0,29}"
_VERSION_BEFORE = re.compile(r"(?i)\b(?:v|ver|version|firmware|build|release|update)\.?\s*$")


@functools.cache
def _presidio() -> SimpleNamespace:
    """Import Presidio and define our recognizers on first use.

    Importing presidio_analyzer pulls in spaCy, transformers and torch (several
    seconds, ~400 MB), so it happens here rather than when this module is imported:
    a web process that imports ``nlp.redact`` but redacts nothing pays nothing.
    """
    import spacy
    import tldextract
    from presidio_analyzer import (
        AnalyzerEngine,
        EntityRecognizer,
        LocalRecognizer,
        Pattern,
        PatternRecognizer,
        RecognizerRegistry,
        RecognizerResult,
    )
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UrlRecognizer,
    )
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig
    from presidio_anonymizer.entities import RecognizerResult as Replacement

    class BlankSpacyNlpEngine(SpacyNlpEngine):
        """spaCy's tokenizer only: no trained model is loaded, so none is downloaded."""

        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": _LANGUAGE, "model_name": "blank"}])

        def load(self) -> None:
            """Use a blank English pipeline instead of a trained model."""
            self.nlp = {_LANGUAGE: spacy.blank(_LANGUAGE)}

        def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
            artifacts = super()._doc_to_nlp_artifact(doc, language)
            # A blank pipeline has no lemmatizer; lower-cased words let Presidio's
            # context words ("phone", "card", "iban") still raise scores.
            artifacts.lemmas = [token.lemma_ or token.lower_ for token in doc]
            return artifacts

    # tldextract fetches the public suffix list over HTTP on first use unless told
    # not to; the snapshot bundled with the package is enough to validate domains.
    offline_tld_extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's e-mail recognizer, validating domains without the network."""

        def validate_result(self, pattern_text: str) -> bool:
            """Accept the match when its domain has a known public suffix."""
            # Only the domain: tldextract parses its input as a URL, so a "#" or "?"
            # in the local part ("o#neil@gmail.com") would otherwise hide the domain.
            return offline_tld_extract(pattern_text.rpartition("@")[2]).fqdn != ""

    class SevenDigitPhoneRecognizer(PhoneRecognizer):
        """Presidio's phonenumbers-based recognizer, ignoring numbers under seven digits."""

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
        ) -> list[RecognizerResult]:
            """Find valid phone numbers in the configured regions."""
            if not _has_digit_run(text):
                return []  # nothing could survive the filter below: skip phonenumbers
            undated = _blank_dates(text)
            results = super().analyze(text, entities, nlp_artifacts)
            return [r for r in results if _DIGIT_RUN.search(undated, r.start, r.end)]

    class UnversionedIpRecognizer(IpRecognizer):
        """Presidio's IP recognizer, minus software versions such as "version 2.3.1.4"."""

        def analyze(
            self,
            text: str,
            entities: list[str],
            nlp_artifacts: NlpArtifacts | None = None,
            regex_flags: int | None = None,
        ) -> list[RecognizerResult]:
            """Find IPv4/IPv6 addresses not introduced as a version."""
            results = super().analyze(text, entities, nlp_artifacts, regex_flags)
            return [
                r
                for r in results
                if not _VERSION_BEFORE.search(text, max(0, r.start - 20), r.start)
            ]

    class PersonalUrlRecognizer(UrlRecognizer):
        """Presidio's URL recognizer, keeping only URLs with a personal path or query."""

        def invalidate_result(self, pattern_text: str) -> bool:
            """Reject bare domains and generic paths such as ``/help/returns``."""
            return not _is_personal_url(pattern_text.strip("\"'"))

    class FirstNameRecognizer(LocalRecognizer):
        """PERSON entities from :func:`_find_names` (first-name list, capitals, cues)."""

        def __init__(self) -> None:
            super().__init__(
                supported_entities=["PERSON"],
                supported_language=_LANGUAGE,
                name="FirstNameRecognizer",
            )

        def load(self) -> None:
            """Read the first-name dictionary (cached for the process)."""
            _first_names()

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
        ) -> list[RecognizerResult]:
            """Return one PERSON result per detected name."""
            metadata = {
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }
            return [
                RecognizerResult("PERSON", start, end, score, recognition_metadata=dict(metadata))
                for start, end, score in _find_names(text)
            ]

    def recognizers(detect_names: bool) -> list[EntityRecognizer]:
        found: list[EntityRecognizer] = [
            OfflineEmailRecognizer(),
            SevenDigitPhoneRecognizer(supported_regions=PHONE_REGIONS, leniency=1),
            PatternRecognizer(
                supported_entity="PHONE_NUMBER",
                name="FormattedPhoneRecognizer",
                patterns=[Pattern(name, regex, 0.5) for name, regex in _FORMATTED_PHONES],
                context=list(PhoneRecognizer.CONTEXT),
            ),
            CreditCardRecognizer(
                patterns=[*CreditCardRecognizer.PATTERNS, Pattern("Amex", _AMEX, 0.3)]
            ),
            IbanRecognizer(),
            UnversionedIpRecognizer(),
            PersonalUrlRecognizer(),
            PatternRecognizer(
                supported_entity="HANDLE",
                name="HandleRecognizer",
                patterns=[Pattern("handle", _HANDLE, 0.85)],
            ),
        ]
        if detect_names:
            found.append(FirstNameRecognizer())
        return found

    def analyzer(detect_names: bool) -> AnalyzerEngine:
        registry = RecognizerRegistry(
            recognizers=recognizers(detect_names), supported_languages=[_LANGUAGE]
        )
        return AnalyzerEngine(
            registry=registry, nlp_engine=BlankSpacyNlpEngine(), supported_languages=[_LANGUAGE]
        )

    return SimpleNamespace(
        analyzer=analyzer,
        anonymizer=AnonymizerEngine(),
        operators={p: OperatorConfig("replace", {"new_value": f"[{p}]"}) for p in PLACEHOLDERS},
        Replacement=Replacement,
    )


@functools.cache
def _analyzer(detect_names: bool) -> AnalyzerEngine:
    """One Presidio analyzer per process and configuration (building one takes ~1 s)."""
    return _presidio().analyzer(detect_names)


_TRAILING_PUNCTUATION = ".,;:!?'\")"


@dataclass
class _Span:
    start: int
    end: int
    placeholder: str


def _resolve_overlaps(text: str, results: Iterable[RecognizerResult]) -> list[_Span]:
    """Non-overlapping spans: the preferred kind wins and absorbs what it overlaps."""
    candidates = []
    for result in results:
        placeholder = _PLACEHOLDER_FOR_ENTITY.get(result.entity_type)
        if placeholder is None:
            continue
        end = result.end
        if placeholder == "URL":
            end = len(text[result.start : end].rstrip(_TRAILING_PUNCTUATION)) + result.start
        if end > result.start:
            candidates.append(_Span(result.start, end, placeholder))
    candidates.sort(key=lambda s: (_PRIORITY[s.placeholder], -(s.end - s.start), s.start))
    kept: list[_Span] = []
    for candidate in candidates:
        overlapping = [k for k in kept if k.start < candidate.end and candidate.start < k.end]
        if not overlapping:
            kept.append(candidate)
            continue
        # Absorb the lower-priority detection so no part of it survives un-redacted.
        winner = overlapping[0]
        winner.start = min([candidate.start, *(k.start for k in overlapping)])
        winner.end = max([candidate.end, *(k.end for k in overlapping)])
        kept = [k for k in kept if k is winner or k not in overlapping]
    return sorted(kept, key=lambda s: s.start)


# ----------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redaction:
    """A redacted text and how many values of each kind were replaced."""

    text: str
    counts: dict[str, int] = field(default_factory=dict, hash=False)


class Redactor:
    """Replace PII in free text with typed placeholders such as ``[EMAIL]``.

    Like a scikit-learn estimator, ``__init__`` only stores its arguments; the
    Presidio engines are built on first use and shared by all instances with the
    same ``detect_names``. Output is deterministic for a given input.

    :param detect_names: also look for person names (``[NAME]``).
    :param score_threshold: minimum Presidio confidence for a detection to count.
    :param prefilter: skip Presidio for texts that cannot contain PII; ``False``
        runs the full engine on every text (for tests and benchmarks).
    """

    def __init__(
        self, *, detect_names: bool = True, score_threshold: float = 0.4, prefilter: bool = True
    ):
        self.detect_names = detect_names
        self.score_threshold = score_threshold
        self.prefilter = prefilter

    def redact(self, text: str) -> Redaction:
        """Return ``text`` with every detected PII value replaced by its placeholder."""
        if self.prefilter and not _could_contain_pii(text, names=self.detect_names):
            return Redaction(text=text)
        results = _analyzer(self.detect_names).analyze(
            text=text, language=_LANGUAGE, score_threshold=self.score_threshold
        )
        spans = _resolve_overlaps(text, results)
        if not spans:
            return Redaction(text=text)
        presidio = _presidio()
        anonymized = presidio.anonymizer.anonymize(
            text=text,
            analyzer_results=[
                presidio.Replacement(s.placeholder, s.start, s.end, 1.0) for s in spans
            ],
            operators=presidio.operators,
        )
        counts = Counter(s.placeholder for s in spans)
        return Redaction(
            text=anonymized.text, counts={p: counts[p] for p in PLACEHOLDERS if counts[p]}
        )

    def redact_many(self, texts: Iterable[str]) -> list[Redaction]:
        """Redact each text in order; texts without possible PII cost microseconds."""
        return [self.redact(text) for text in texts]
