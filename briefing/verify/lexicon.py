"""Word lists for reading what a figure counts: nouns, events, qualifiers, dates (pure data).

Issue 7. `counts` reads a figure's counted noun and context with these; each list says in a
comment what it is for. Classes make different words equal where they count the same thing
("civilians" and "people", "injured" and "disabled").
"""

from __future__ import annotations

import functools

CLASSES = {
    "persons": "person people civilian resident inhabitant individual citizen villager victim "
               "adult migrant passenger death fatality",
    "children": "child children kid minor infant baby babie",
    "women": "woman women female",
    "men": "man men male",
    "elderly": "elderly elderlie old aged pensioner senior",
    "pregnant": "pregnant",
    "boys": "boy",
    "girls": "girl",
    "families": "family familie",
    "hostages": "hostage captive",
    "soldiers": "soldier troop serviceman servicemen fighter combatant",
    "police": "policeman policemen police officer",
    "houses": "house home dwelling",
}
# Units: when a number is followed by one, the unit is what it counts ("600 metres underground").
UNITS = frozenset("percent metre meter kilometre kilometer km mile tonne ton kilogram kg litre "
                   "liter euro dollar pound yen rupee hectare acre degree".split())
# Events: what happened to the counted things; words of one class mean the same here.
EVENTS = {
    "killed": "killed kill killing dead death deaths died die dying perished murdered slain "
              "slaughtered massacred executed fatalities fatality lives toll",
    "injured": "injured injury injuries wounded wound disabled disability maimed hurt",
    "hostage": "hostage hostages kidnapped abducted captured captive captives",
    "missing": "missing unknown unaccounted disappeared",
    "trapped": "trapped",
    "treated": "treated hospitalised hospitalized admitted",
    "rescued": "rescued saved",
    "displaced": "displaced refugee refugees fled flee fleeing",
    "evacuated": "evacuated",
    "homeless": "homeless",
    "recovered": "recovered retrieved",
    "arrested": "arrested detained jailed imprisoned",
    "orphaned": "orphaned orphan orphans parent parents",
    "destroyed": "destroyed demolished razed burned burnt damaged exterminated",
    "released": "released freed exchanged",
    "infected": "infected",
    "hired": "employed hired",
    "unemployed": "unemployed jobless",
}
# Words that tell two counts of one noun apart ("lost both parents", "85 new cases").
QUANTIFIERS = frozenset("both one single half all each either neither every none new additional further "
                   "remaining".split())
# Durations depend on when each source was written ("31 years ago", "29 years have passed").
DURATIONS = frozenset("second minute hour day week month year decade century centurie".split())
# Words that put a count at another time ("last year", "a year earlier").
TIME_MARKS = frozenset("last previous earlier ago former past".split())
STOP = frozenset("""
a an the of and or but nor to in on at by for from with without into onto over under about
above below after before during since until till between among through per than as such
that this these those there here which who whom whose what when where while whereas why how
it its it's they them their he him his she her we us our you your i me my next
is are was were be been being am has have had having do does did done will would shall
should can could may might must also only just even still yet already then thus so too very
more most less least many much some any all each every both either neither no not none other
another such same own whole total including included include includes amongst
said says say told according reported reports report added noted stated alone
s mr mrs ms dr st mostly nearly almost around approximately roughly ago
""".split())
# Verbs and linking words that end a counted noun phrase ("25 children lost both parents").
VERBS = frozenset("""
lost lose losing remain remains remained fled came went took made make received got become
became stood rose fell reached hit climbed increased decreased dropped jumped totalled totaled
numbered stands stand include included had have has are were was is
""".split())
# Event words that are verbs: they end a noun phrase rather than head it ("12 soldiers died").
EVENT_VERBS = frozenset(w for w in " ".join(EVENTS.values()).split()
                         if w.endswith("ed") or w in ("dead", "died", "missing", "hurt", "slain", "fled"))
# Words that may sit between a noun and a bare number: "the crowd at 25,000".
LINKING = frozenset("of was is were at to rose reached stood climbed hit totalled totaled numbered "
                     "now currently reportedly about around some nearly almost the".split())
APPROX = (
    ("~", ("about", "around", "approximately", "roughly", "some", "an estimated", "estimated",
           "close to", "circa", "nearly", "almost")),
    (">", ("over", "more than", "at least", "above", "upwards of", "in excess of")),
    ("<", ("up to", "as many as", "fewer than", "less than", "under", "below", "at most")),
)
# A value given as the earlier one it changed from: "up from 58 percent".
PREVIOUS = ("up from", "down from", "compared with", "compared to", "against")
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
DATE_WORDS = frozenset("january february march april may june july august september october november "
                    "december jan feb mar apr jun jul aug sep sept oct nov dec".split()) | WEEKDAYS
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty "
                 "sixty seventy eighty ninety hundred thousand million billion dozen").split()
NUMERALS = frozenset(NUMBER_WORDS) | frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth".split())

# Word -> class, for lookups.
NOUN_CLASS = {word: name for name, words in CLASSES.items() for word in words.split()}
EVENT_CLASS = {word: name for name, words in EVENTS.items() for word in words.split()}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A word lowercased with its plural or possessive ending taken off; enough to compare nouns."""
    word = word.lower().replace("\u2019", "'").strip(".'-")
    if word.endswith("'s"):
        word = word[:-2]
    if word in NOUN_CLASS:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
