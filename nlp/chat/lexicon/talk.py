"""Words of questions about what customers write: topics asked for ("the main themes"),
topics growing, what customers like, the tone of comments asked for, trends of feeling,
and advice ("which segment should we target with ...") with its goal.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Nouns that ask for topics themselves ("the main themes", "top subjects").
TOPIC_NOUNS = _words("topic topics subject subjects theme themes things stuff")
#: Words that ask for the most of something talked about ("mostly", "main", "common").
MAIN_WORDS = _words("most mostly main top biggest common popular frequent often key")
#: Verbs of writing or talking about something (the subject follows).
WRITE_ABOUT = _words(
    "talk talks talking talked discuss discussing mention mentioning write writing bring "
    "raise raising moan moaning say saying"
)
#: Phrases that ask what is on people's minds.
MIND_PHRASES = ("on the mind", "on their mind", "on their minds", "talking points")
#: Words of a topic growing or falling ("fastest-rising", "emerging", "taking off").
GROWTH_WORDS = _words(
    "growing grown grew grow grows rising risen rise emerging emerge emerged suddenly fastest "
    "fastest-rising fastest-growing increasing surging booming declining shrinking dropping "
    "fading gaining spiking spiked surged exploding"
)
#: Idioms of a topic gaining attention, read as growth without a topic noun ("what's
#: blowing up", "anything taking off").
GROWTH_PHRASES = ("taking off", "took off", "blowing up", "blown up", "blew up", "picking up",
                  "picked up", "on the rise", "heating up", "gaining traction", "trending up",
                  "talking about more")  # fmt: skip
#: Words of a topic falling rather than growing.
DECLINE_WORDS = _words("declining shrinking dropping fading falling less")
#: Words asking what customers like.
LIKE_WORDS = _words("like likes love loves enjoy enjoys appreciate appreciates praise")
#: Words asking for positive or negative comments.
TONE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "positive nice good great happy praise praising glowing favourable favorable "
            "pleased satisfied compliments love loved"
        ),
        "positive",
    ),
    **dict.fromkeys(
        _words(
            "negative angry bad complaining complaints complaint complain complains moaning "
            "moans unhappy critical furious annoyed frustrated rants harsh worst"
        ),
        "negative",
    ),
}
#: Words of complaining: who complains most is who writes the most negative comments.
COMPLAINT_WORDS = _words(
    "complain complains complained complaining complaint complaints complainers moan moans "
    "moaning moaned moany gripe gripes griping grumble grumbles grumbling whinge whinges "
    "whinging whine whines whining rant rants ranting"
)
#: Words about feelings: a trend of sentiment, not of volume.
FEEL_WORDS = _words("feel feels feeling felt mood tone sentiment happier")
#: Phrases asking whether the volume of something goes up or down.
MORE_OR_LESS = ("more or less", "more or fewer", "up or down", "rising or falling",
                "increasing or decreasing", "growing or shrinking", "than they used to",
                "than we used to", "than it used to", "than before", "than last year",
                "than a year ago")  # fmt: skip
#: Phrases asking for customers' own words.
WORDS_ASKED = ("exact words", "their words", "own words", "real comments", "actual comments",
               "in their words", "word for word")  # fmt: skip
#: Phrases of a trend of sentiment ("getting better or worse").
FEEL_PHRASES = ("better or worse", "getting better", "getting worse", "improving", "worsening")
#: Phrases asking for advice on what to do.
ADVICE_PHRASES = (
    "should we",
    "should i",
    "shall we",
    "should it",
    "should they",
    "would you",
    "do you recommend",
    "would it help",
    "would help",
    "benefit most",
    "help most",
    "focus on",
    "go after",
    "worth targeting",
    "prioritise",
    "prioritize",
    "what do we do about",
    "what can we do about",
    "what should we do",
    "what to do about",
    "who should",
    "how can we",
    "how should we",
    "how do we get",
    "how do we win",
    "how do we keep",
    "how do we grow",
    "how do we stop",
    "how do we reduce",
    "how do we increase",
    "how do we improve",
    "how do we bring",
    "thinking of a",
    "thinking of an",
    "thinking of launching",
    "thinking of running",
    "planning a",
    "planning to launch",
    "planning to run",
)
#: A group asked for with a modal of how it would take an offer ("which cohort would bite",
#: "which segment would go for it"): advice, not a ranking by a measure.
ADVICE_GROUP = (
    r" (which|what) (segments?|clusters?|groups?|cohorts?|personas?|tribes?|types?|customers)"
    r"( \w+)? (would|might|should) "
)
#: A group asked for as the one to act on ("which group to pitch the new range to", "who to
#: target with a loyalty scheme"): advice, whatever measure the offer's words resemble.
ADVICE_ACTION = (
    r" (?:(?:which|what|best|right) (?:segments?|clusters?|groups?|cohorts?|personas?|tribes?"
    r"|types?|customers|audience)|who)( \w+){0,2} to (target|pitch|send|offer|email|mail|market"
    r"|push|sell|approach|invite|focus on|prioriti[sz]e|promote|advertise|reach|contact|court"
    r"|upsell|trial|test|pilot|launch|give|gift|reward|win back|retain|nudge)\b"
)
#: A group asked for beside an initiative ("which segment is most worth a win-back campaign",
#: "best segment for the loyalty scheme"): advice, whatever measure the words resemble.
ADVICE_INITIATIVE = (
    r" (?:which|what|best|right) (?:segments?|clusters?|groups?|cohorts?|personas?|tribes?|types?"
    r"|audience)\b.* (?:worth|should|would|best for|ideal for|right for|suited to|suited for"
    r"|good for|fit for)\b.* (?:campaign|campaigns|programme|program|promotion|promo|scheme"
    r"|initiative|offer|offers|mailing|newsletter)\b"
)
#: A group asked for as the best one for an aim ("which group's best for launching a range",
#: "what segment is best to target"): advice.
ADVICE_BEST = (
    r" (?:which|what) (?:segments?|clusters?|groups?|cohorts?|personas?|tribes?|types?)"
    r"(?:'s| is| are| would be| will be)? (?:the )?best (?:for|to) "
)
#: Verbs of acting on a figure or a problem ("cut returns", "win back lapsed buyers").
_ACT_VERBS = (
    r"(?:reduc|cut|lower|lessen|decreas|increas|rais|grow|boost|improv|lift|keep|retain|win"
    r"|stop|prevent|bring|fix|driv|encourag|convert|re-?engag|tackl|handl|deal|address|curb"
    r"|limit|minimi[sz]|maximi[sz]|turn|sav|solv|sort|get)(?:e|es|ed|ing|s|d|ting|ning|ping)?"
)
#: A way to act asked for ("any ideas how to cut returns", "tips for improving delivery",
#: "how could we win back lapsed buyers"): advice, whatever figure it names.
ADVICE_HOW = (
    r" (?:how (?:to|(?:can|could|do|should|might|would|shall) (?:we|i|they|you))"
    r"|(?:ideas?|suggestions?|tips|recommendations?|ways?|strateg(?:y|ies)|levers?|options)"
    r" (?:to|for|on|how(?: to)?|about)(?: (?:we|i) (?:can|could|might))?)"
    rf" (?:\w+ )?(?P<act>{_ACT_VERBS})\b"
)
#: A targeting goal named in the tool's own words, by the words people use for it.
GOALS: dict[str, tuple[str, ...]] = {
    "win-back": ("win-back", "winback", "win back", "lapsed", "reactivat", "re-engage", "dormant"),
    "loyalty": ("loyalty", "loyal", "rewards", "vip"),
    "upsell": ("upsell", "up-sell", "cross-sell", "upgrade"),
    "retention": ("retention", "retain", "churn"),
}
#: Words that only pad a request for quotes or topics ("actually", "exact words", "pls").
FILLER_WORDS = _words(
    "actually really exactly exact real actual genuine raw words pls please paste pull couple "
    "few bit mind minds "
    "feedback suddenly lot lately recently ranked etc"
)
#: Nouns of what is written, counted in "the number of messages about X".
DOCUMENT_NOUNS = _words(
    "comments comment messages message reviews review posts post mentions feedback documents "
    "notes surveys tickets texts text chatter buzz conversation conversations"
)
#: Nouns, beside the document nouns, of texts asked for with their tone ("complaints", "rants").
TEXT_ASKED_NOUNS = _words("complaints complaint praise compliments rants moans testimonials")
#: Verbs that ask to be shown something ("show me complaints about X").
SHOW_VERBS = "show|give|read|see|pull|share|paste|fetch|find|surface|grab|list|display"
#: Two-word feelings the measure words do not hold, by first word ("fed up with": -1).
FEELING_PHRASES: dict[str, dict[str, int]] = {
    "fed": {"fed up": -1},
    "sick": {"sick of": -1},
    "tired": {"tired of": -1},
    "keen": {"keen on": 1},
    "fond": {"fond of": 1},
}
