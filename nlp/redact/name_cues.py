"""Cues that introduce a person's name: "my name is", "Hi", "Regards,", "Mrs", "spoke to"...

Each cue is a regular expression with a group ``name`` and a rule that says which
words it accepts there (:func:`nlp.redact.names.find_names` applies the rules):

* ``strong``: a self-introduction ("my name is", in the languages reviews come in)
  or a title ("Mrs"): any capitalised word that is not a stop word or non-name,
  or a lower-case common first name ("my name is jess");
* ``open``: a sign-off on its own line or at the end ("Kind regards,\\nZofia"):
  as ``strong``, but not an ordinary word that is no first name ("Happy") or a
  department ("Accounts");
* ``proper``: a capitalised word after a reference or role ("spoke to Aisha",
  "our waiter Andile"), with the same exclusions;
* ``greeting``: a capitalised word after "Hi", "Dear", "Thanks": a first name in
  the dictionary, or a word followed by a surname ("Thanks, Andile Dlamini");
* ``known``: a capitalised word in the first-name dictionary;
* ``self``: as ``known``, and followed by a clause end or a surname ("I'm Olga and");
* ``run``: a run of capitalised surname-like words, of two or more or starting with
  a first name: a display name before an e-mail address ("Ji-woo Park <...>"), a
  mail header ("From: ..."), "<name> here".

:data:`TRIGGERS` gives, for each cue, words one of which (compared case-folded)
or characters one of which every match contains, so a cue's expression only runs
on texts that could match it.
"""

from __future__ import annotations

import re

from nlp.redact.name_words import DEPARTMENTS, ROLE_WORDS, agent_nouns, word_set

__all__ = [
    "CAPITALISED",
    "END_CUES",
    "CUES",
    "END_WINDOW",
    "GREETING_WORDS",
    "GUARDS",
    "LOWER_CASE_CUES",
    "LOWER_WORD",
    "MID_SENTENCE_CUES",
    "PARTICLE",
    "TITLES",
    "TRIGGERS",
    "WORD",
]

_TOKEN_RE = re.compile(r"[^\W\d_]+")
WORD = r"[^\W\d_]+(?:['’][^\W\d_]{2,}|-[^\W\d_]+)*"
_GAP = r"[ \t]*,?[ \t]*"


def _uppercase_class() -> str:
    """A character class of the uppercase and titlecase letters of the BMP.

    Python's re has no ``\\p{Lu}``; cues that need a capitalised name use this so
    that the pre-filter (which runs every cue on every text) is not set off by
    "the courier was ...".
    """
    letters = [chr(c) for c in range(0x10000) if chr(c).isupper() or chr(c).istitle()]
    return "[" + "".join(re.escape(letter) for letter in letters) + "]"


CAPITALISED = rf"(?={_uppercase_class()}){WORD}"

# Lower-case particles inside a full name ("Erik van der Berg", "Siti binti Ahmad").
PARTICLE = (
    r"(?:van|von|der|den|de|del|della|di|da|das|dos|du|la|le|al|el|bin|binti|bint|ibn|ap|"
    r"ter|ten|zu|y)"
)
# A title's surname may start with particles: "Mrs de Jong".
_SURNAME_AFTER_TITLE = rf"(?:{PARTICLE}[ \t]+){{0,2}}{CAPITALISED}"
# Titles of other languages, which stand in lower case after an article ("la señora").
_LOWER_TITLES = word_set(
    "señor señora señorita senhor senhora senhorita signor signora signorina meneer mevrouw"
)
TITLES = word_set("mr mrs ms miss mx dr prof sir dame madam mme mlle herr frau sr sra") | (
    _LOWER_TITLES
)
_TITLES = "|".join(word.capitalize() for word in sorted(TITLES))
_ANY_CASE_TITLES = "|".join(sorted(_LOWER_TITLES))

_ROLES = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
_DEPARTMENTS = "|".join(sorted(DEPARTMENTS, key=len, reverse=True))

# "My name is" and "I am called" in the languages customers write reviews in.
_INTRODUCTIONS = (
    "my name is|my name's|name's|call me|i am called|i'm called|i go by|"
    "me llamo|mi nombre es|meu nome é|meu nome e|me chamo|chamo-me|je m'appelle|"
    "je m’appelle|mon nom est|je me nomme|mi chiamo|il mio nome è|ich heiße|ich heisse|"
    "mein name ist|mijn naam is|ik heet|my naam is|nazywam się|mam na imię|"
    "jmenuji se|volám sa|mă numesc|ma numesc|numele meu este|jag heter|mitt namn är|"
    "jeg heter|mitt navn er|jeg hedder|mit navn er|nimeni on|benim adım|nama saya|"
    "saya bernama|ang pangalan ko ay|jina langu ni|zovem se|moje ime je|ime mi je|"
    "a nevem|меня зовут|мене звати|με λένε|tên tôi là|tôi tên là"
)
_SELF = r"i'm|i’m|im|i am|this is|it's|it’s|it is|here is|here's"
# The same in casual lower case, where "its" stands for "it's": "hey its sven".
_SELF_LOWER = r"i'm|i’m|im|i am|this is|it's|it’s|its|it is"
_GREETINGS = (
    "hi|hello|hey|hiya|dear|good morning|good afternoon|good evening|morning|thanks|"
    "thank you|thx|thnx|thanx|ty|tysm|cheers|many thanks|yo|heya|hiya|"
    # Greetings of the other languages reviews come in.
    "hola|ciao|bonjour|salut|hallo|hej|moin|servus|namaste|merhaba|salam|salaam|shalom|"
    "ola|olá|privet|ahoj|szia|jambo|habari|sawubona|konnichiwa|annyeong|sannu|"
    # Thanks of the other languages reviews come in.
    "gracias|muchas gracias|danke|vielen dank|merci|merci beaucoup|grazie|grazie mille|"
    "obrigado|obrigada|tack|tusen tack|takk|tak|dank je|dank u|bedankt|kiitos|dziękuję|"
    "děkuji|köszönöm|mulțumesc|hvala|teşekkürler|asante|спасибо|дякую|ευχαριστώ|arigato"
)
# The preposition thanks take before a name in those languages: "Gracias a", "Danke an".
_THANKS_TO = r"(?i:a|à|an|al|aan|till|til|to)"
# Interjections before a greeting ("ok thx ...") and what may stand between the
# greeting and the name ("thanks so much ...", "thx for the help ...").
_BEFORE_GREETING = r"(?i:ok|okay|oh|ah|aw|so|and|well|yo|hey)"
_GREETING_FILLER = (
    r"(?i:so much|very much|a lot|a million|again|loads|heaps|"
    r"for (?:the|your|all the|all your|all) (?:help|support|assistance)|for everything)"
)
_SIGN_OFFS = (
    "thanks|thank you|many thanks|cheers|regards|best regards|kind regards|warm regards|"
    "warmest regards|sincerely|sincerely yours|yours sincerely|yours truly|truly yours|"
    "yours faithfully|faithfully|respectfully|best wishes|signed|sent by"
)
_HEADERS = "from|to|cc|bcc|sender|reply-to|attn|attention|contact"
# Speaker labels of a chat whose turn may be just the speaker's name.
_SPEAKERS = "customer|client|caller|guest|user|visitor|me"
_DOCUMENTS = (
    "parcel package invoice receipt letter booking reservation order prescription gift card "
    "refund ticket"
)
# Holders named on a card, an account or a policy: "Cardholder Rahul Mehta".
_HOLDERS = "card|account|policy|ticket|key|pass|licence|license"
_WEAK_SIGN_OFFS = "best|love|yours|take care|all the best|xx|xoxo|x"
# The words of greetings and sign-offs, which may stand right before a name.
GREETING_WORDS = frozenset(_TOKEN_RE.findall(f"{_GREETINGS}|{_SIGN_OFFS}|{_WEAK_SIGN_OFFS}"))
# "Product name: ..." and "brand name is ..." name a thing, not a person.
_THING_NAME = "".join(
    f"(?<!{noun} )"
    for noun in sorted(
        word_set(
            "product brand model company business store shop file device network wifi item "
            "colour color domain trade band song book game app"
        )
    )
)
_SENTENCE_START = r"(?:^|(?<=[.!?\n]))[ \t]*"
# Contact details after a name: a phone number (seven digits or more) or an e-mail
# address, maybe after a label ("Ana Lima, tel. +44 ...", "Ana Lima (ana@...)").
_CONTACT_LABEL = r"(?i:tel|phone|mobile|mob|cell|ph|whatsapp|email|e-mail)\.?:?[ \t]*"
CONTACT = (
    rf"(?=[ \t]*(?:[,(:–—-][ \t]*|{_CONTACT_LABEL})(?:{_CONTACT_LABEL})?"
    r"(?:\+?\(?\d(?:[ \t().-]{0,2}\d){6}|[\w.+-]+@[\w-]+\.))"
)
# A phone number straight after a signature: "regards x +44 ...".
_PHONE_AFTER = r"(?=[ \t]+\+?\(?\d(?:[ \t().-]{0,2}\d){6})"
# Words that say what a person did, after a name inside a sentence ("..., Ana promised").
_PERSON_VERBS = (
    "promised|said|told|assured|explained|apologised|apologized|insisted|refused|offered|"
    "agreed|claimed|confirmed|admitted|swore|laughed|smiled|shouted|yelled|rang|texted|"
    "messaged|emailed|replied|answered|hung up"
)
_RUN = rf"{CAPITALISED}(?:[ \t]+{CAPITALISED}){{0,3}}"

# Words that refer to the person named next: "spoke to", "ask for", "signed for by".
_REFERENCE = (
    r"(?i:\bspoke to|\bspoke with|\bspeaking to|\bspeaking with|\btalked to|\btalked with|"
    r"\bask for|\basked for|\bask|\bserved by|\bhelped by|\bassisted by|\bnamed|"
    r"\bshout[- ]?out to|"
    r"\bthanks to|\bthank you to|\bkudos to|\bcredit to|\bprops to|\btell|"
    r"\b(?:someone|somebody|guy|man|woman|lady|girl|boy|bloke|chap|person|gentleman|fellow|"
    r"gent|lad|lass|one) (?:called|named)|"
    r"\b(?:review|reviewed|written|posted|submitted|photos?) by|"
    r"\bsigned for by|\bon behalf of|\baddressed to|\bmade out to|\bpayable to|"
    r"\bin the name of|\bunder the name(?: of)?|\bbooked under|"
    r"\b(?:booking|reservation|table|order|account|room)s?(?: is| was)? under|"
    rf"\b(?:{'|'.join(_DOCUMENTS.split())})s? (?:is |was |are |were )?(?:for|to)|"
    r"\baddress (?:the|this|my|it) ?\w* to|"
    rf"\b(?:(?:{_HOLDERS})[ -]?)?holder(?:'s)?(?: name)?(?: is| was)?:?|"
    r"\b(?:full |first |last |sur|maiden |guest |account |customer |contact )?"
    rf"{_THING_NAME}name\b(?: is| was)?:?)"
    rf"(?:\b|(?<=:)){_GAP}(?:(?i:is|was|called|named)[ \t]+)?"
    rf"(?:(?P<article>(?i:a|an))[ \t]+)?"
)
# A role in lower case, or capitalised only at the start of a sentence:
# "Baker Street" and "Driver Assist" are not a baker and a driver.
_ROLE = (
    rf"(?:{_SENTENCE_START}(?i:{_ROLES})|\b(?:{_ROLES}))s?\b{_GAP}"
    rf"(?:(?i:is|was|called|named)[ \t]+)?"
)
# A name in casual lower case ("ask for priya").
LOWER_WORD = r"[a-z][^\W\d_A-Z]*(?:-[^\W\d_]+)*"

# (name, regex with a group "name", rule)
CUES: tuple[tuple[str, str, str], ...] = (
    ("introduction", rf"(?i:\b(?:{_INTRODUCTIONS}))[ \t]+(?P<name>{WORD})", "strong"),
    ("self", rf"(?i:\b(?:{_SELF}))[ \t]+(?P<name>{CAPITALISED})", "self"),
    ("self lower", rf"(?i:\b(?:{_SELF_LOWER}))[ \t]+(?P<name>{WORD})", "lower"),
    (
        "greeting",
        rf"(?:{_SENTENCE_START}|(?<![^\W\d_]){_BEFORE_GREETING}[ \t]*,?[ \t]+)"
        rf"(?i:{_GREETINGS})\b{_GAP}(?:{_GREETING_FILLER}\b[ \t]*[,!]*[ \t]*)?"
        rf"(?:{_THANKS_TO}[ \t]+)?(?P<name>{WORD})",
        "greeting",
    ),
    (
        # A sign-off, then the signature: at the end of the text, on a line of its own
        # (contact details may follow), or before a bracket or dash.
        "sign-off",
        r"(?:^|(?<=[.!?,;\n]))[ \t]*"
        rf"(?i:{_SIGN_OFFS})\b[ \t]*[,!.:-]?\s*"
        r"(?:(?i:a|an|one)[ \t]+(?:[a-z]+[ \t]+){0,3})?"
        rf"(?P<name>{WORD})(?:[ \t]+{WORD}){{0,3}}[ \t]*"
        rf"(?:[.!]*\s*$|[(<\[|~–—-]|\r?\n|{CONTACT}|{_PHONE_AFTER})",
        "open",
    ),
    (
        "weak sign-off",
        rf"(?:^|(?<=[.!?,;\n]))[ \t]*(?i:{_WEAK_SIGN_OFFS})\b"
        rf"[ \t]*[,!.:-]?\s*(?P<name>{WORD})(?:[ \t]+{WORD})?[ \t]*[.!]*\s*$",
        "known",
    ),
    (
        "dash sign-off",
        rf"(?:^|(?<=\s))[-–—~]+[ \t]*(?P<name>{CAPITALISED})(?:[ \t]+{WORD}){{0,3}}"
        r"[ \t]*[.!]*\s*$",
        "signature",
    ),
    (
        # A name alone after the last sentence or on the last line: "... balance. Ana Lima"
        "trailing signature",
        rf"(?:(?<=[.!?])[ \t]+|(?<=\n)[ \t]*)(?P<name>{CAPITALISED}(?:[ \t]+{CAPITALISED}){{1,2}})"
        r"[ \t]*[.!]?\s*$",
        "signed run",
    ),
    (
        # A chat turn that is only the speaker's name: "Customer: Ana Lima".
        "speaker",
        rf"(?:^|(?<=\n))[ \t]*(?i:{_SPEAKERS})[ \t]*:[ \t]*(?P<name>{_RUN})"
        r"[ \t]*[.!]?[ \t]*(?:\r?\n|$)",
        "signed run",
    ),
    (
        "title",
        rf"\b(?:{_TITLES}|(?i:{_ANY_CASE_TITLES}))\.?[ \t]+(?P<name>{_SURNAME_AFTER_TITLE})",
        "strong",
    ),
    ("reference", rf"{_REFERENCE}(?P<name>{CAPITALISED})", "proper"),
    ("reference lower", rf"{_REFERENCE}(?P<name>{LOWER_WORD})", "proper"),
    ("role", rf"{_ROLE}(?P<name>{CAPITALISED})", "proper"),
    ("role lower", rf"{_ROLE}(?P<name>{LOWER_WORD})", "proper"),
    (
        # A noun for someone who does something, after a determiner or at a sentence
        # start, maybe after a word that says what of: "The seller X", "Wedding planner X".
        "agent",
        rf"(?:{_SENTENCE_START}|(?<![^\W\d_])(?i:the|a|an|my|our|your|his|her|their|this|that)"
        r"[ \t]+)(?:[^\W\d_]+[ \t]+)?(?P<role>[A-Za-z]+(?:er|or))[ \t]*,?[ \t]*"
        rf"(?P<name>{WORD})",
        "agent",
    ),
    (
        # A name, then who the person is: "X Y, the landlord, ...".
        "appositive",
        rf"(?<![^\W\d_'’-])(?P<name>{CAPITALISED}(?:[ \t]+{CAPITALISED})?)[ \t]*,[ \t]+"
        r"(?i:the|my|our|your|his|her|their)[ \t]+(?:[a-z]+[ \t]+)?"
        rf"(?:{_ROLES}|(?P<role>[a-z]+(?:er|or)))\b",
        "contact",
    ),
    (
        # A one- or two-word name right before contact details.
        "contact",
        rf"(?:^|(?<=[.!?,;:(\n])|(?<=[.!?,;:(\n] ))"
        rf"(?P<name>{CAPITALISED}(?:[ \t]+{CAPITALISED})?){CONTACT}",
        "contact",
    ),
    (
        # A capitalised word inside a sentence, then what a person did: "..., X promised".
        "person verb",
        rf"(?:(?<=[,;])|(?<![^\W\d_])(?i:and|but|then|when|until))[ \t]+(?P<name>{CAPITALISED})"
        rf"[ \t]+(?i:{_PERSON_VERBS})\b",
        "proper",
    ),
    (
        # A lower-case first name set off by commas in casual text: "the guy, x? idk".
        "aside",
        r",[ \t]+(?P<name>[a-z]{3,}(?:-[a-z]+)?)[ \t]*[?,]",
        "aside",
    ),
    (
        "on duty",
        rf"{_SENTENCE_START}(?P<name>{WORD})(?:[ \t]+{CAPITALISED})?[ \t]+"
        r"(?:in|at|from|on)[ \t]+(?:the[ \t]+)?(?:[\w&-]+[ \t]+){0,2}"
        rf"(?i:{_DEPARTMENTS})\b",
        "duty",
    ),
    (
        "header",
        rf"(?:^|(?<=\n))[ \t]*(?i:{_HEADERS})[ \t]*:[ \t]*(?P<name>{_RUN})",
        "run",
    ),
    ("display name", rf"(?<![^\W\d_'’-])(?P<name>{_RUN})[ \t]*<[^<>\s@]+@", "run"),
    (
        # "Sarah here," / "Hi! Nguyen Thi Lan here": someone saying who is writing.
        "here",
        rf"(?:^|(?<=[.!?,\n]))[ \t]*(?P<name>{_RUN})[ \t]+(?i:here)\b(?=[ \t]*(?:[,.!:;–—-]|$))",
        "run",
    ),
)

_TOKEN = re.compile(r"[^\W\d_]+")


def _distinctive_words(phrases: str) -> frozenset[str]:
    """The longest case-folded word of each ``|``-separated phrase."""
    return frozenset(
        max(_TOKEN.findall(phrase.casefold()), key=len) for phrase in phrases.split("|")
    )


_AGENT_TRIGGERS = agent_nouns()
_HOLDER_TRIGGERS = {"holder"} | {f"{word}holder" for word in _HOLDERS.split("|")}
_REFERENCE_TRIGGERS = (
    word_set(
        "spoke speaking talked ask asked served helped review reviewed written posted "
        "submitted photo photos assisted named shout shoutout "
        "thanks thank kudos credit props tell called signed behalf addressed made payable "
        "name surname under booked address"
    )
    | word_set(_DOCUMENTS)
    | {f"{word}s" for word in _DOCUMENTS.split()}
    | frozenset(_HOLDER_TRIGGERS)
)
_ROLE_TRIGGERS = ROLE_WORDS | {f"{word}s" for word in ROLE_WORDS}
# For each cue: (words, characters). A text can only match the cue when its
# case-folded letter runs include one of the words or it holds one of the characters.
TRIGGERS: dict[str, tuple[frozenset[str], str]] = {
    "introduction": (_distinctive_words(_INTRODUCTIONS), ""),
    "self": (word_set("m im am is s"), ""),
    "self lower": (word_set("m im am is s its"), ""),
    "greeting": (_distinctive_words(_GREETINGS), ""),
    "trailing signature": (frozenset(), ".!?\n"),
    "speaker": (word_set(_SPEAKERS.replace("|", " ")), ""),
    "sign-off": (
        word_set(
            "thanks thank cheers regards sincerely yours best signed sent faithfully truly "
            "respectfully"
        ),
        "",
    ),
    "weak sign-off": (word_set("best love yours take xx xoxo x"), ""),
    "dash sign-off": (frozenset(), "-–—~"),
    "title": (TITLES, ""),
    "agent": (_AGENT_TRIGGERS, ""),
    "appositive": (ROLE_WORDS | _AGENT_TRIGGERS, ""),
    "contact": (frozenset(), "@0123456789"),
    "person verb": (_distinctive_words(_PERSON_VERBS), ""),
    "aside": (frozenset(), ","),
    "reference lower": (_REFERENCE_TRIGGERS, ""),
    "role lower": (_ROLE_TRIGGERS, ""),
    "reference": (_REFERENCE_TRIGGERS, ""),
    "role": (_ROLE_TRIGGERS, ""),
    "on duty": (DEPARTMENTS, ""),
    "header": (word_set("from to cc bcc sender reply attn attention contact"), ""),
    "display name": (frozenset(), "<"),
    "here": (word_set("here"), ""),
}

# Cues whose name follows the cue words inside a sentence and must be capitalised:
# they can only fire where a capitalised word that is neither a stop word nor a
# known non-name stands somewhere other than at the start of a sentence.
MID_SENTENCE_CUES = frozenset(
    {"self", "dash sign-off", "title", "reference", "role", "person verb"}
)

# Cues whose match ends the text: only its last :data:`END_WINDOW` characters are searched.
END_CUES = frozenset({"weak sign-off", "dash sign-off", "trailing signature"})
END_WINDOW = 160

# Cues whose name is only ever a lower-case first name that is no English word: they
# run only on texts holding such a word.
LOWER_CASE_CUES = frozenset({"reference lower", "role lower", "aside"})

# Cues that can only match where their guard's expression does: contact details
# after the name, a determiner after a comma.
GUARDS: dict[str, re.Pattern[str]] = {
    "contact": re.compile(r"@|\d(?:[ \t().-]{0,2}\d){6}"),
    "appositive": re.compile(r",[ \t]*(?i:the|my|our|your|his|her|their)[ \t]"),
}
