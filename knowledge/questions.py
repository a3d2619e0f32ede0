"""What kind of knowledge question this is: a comparison of two things, or a maker's how-to.

A comparison ("kantha vs phulkari", "difference between X and Y", "X aur Y mein kya fark")
needs each side retrieved and cited on its own: one ranking over the whole question tends to
put one side's document first and answer only about it. A how-to from a maker ("how do I pack
a clay pot") belongs to the help guides, which a craft's own document can outrank on words.
"""

from __future__ import annotations

import re

_SIDE = r"(?P<a>[\w\s'-]{2,60}?)"
_OTHER = r"(?P<b>[\w\s'-]{2,60}?)"
_COMPARISONS = [
    re.compile(rf"\bdifference(?:s)? between {_SIDE} (?:and|&|vs\.?|versus) {_OTHER}(?:[?.!,]|$)"),
    re.compile(rf"\bcompare {_SIDE} (?:with|and|to|vs\.?|versus) {_OTHER}(?:[?.!,]|$)"),
    re.compile(rf"\bhow (?:is|are|does|do) {_SIDE} differ(?:ent)? from {_OTHER}(?:[?.!,]|$)"),
    re.compile(rf"^{_SIDE} (?:vs\.?|versus|v/s) {_OTHER}(?:[?.!,]|$|\s+(?:which|what|how))"),
    re.compile(rf"^{_SIDE} or {_OTHER},? which\b"),
    # Hinglish and Hindi: "X aur Y mein kya fark hai", "X और Y में क्या अंतर है"
    re.compile(rf"^{_SIDE} (?:aur|or|and) {_OTHER} (?:me|mein|main) (?:kya )?(?:fark|farq|antar)"),
    re.compile(r"^(?P<a>[\w\s\u0900-\u097f'-]{2,60}?) (?:और|या) (?P<b>[\w\s\u0900-\u097f'-]{2,60}?)"
               r" (?:में|मे) (?:क्या )?(?:अंतर|अन्तर|फ़र्क|फर्क)"),
]
_FILLER = re.compile(
    r"^(?:the|a|an|what is|what's|tell me|please|ji|kya|how|from|of)\s+|"
    r"\s+(?:embroidery|sarees?|saris?|work|art|craft|painting|paintings|style|technique)$"
)
_HOW_TO = re.compile(
    r"\b(?:how (?:do|should|can|to|much should) (?:i|we)?|how to|tips|should i|can i|do i|"
    # Hinglish and Hindi "how": "photo kaise khichu", "listing kaise likhein", "कैसे लिखूं"
    r"kaise\w*|kese|"
    r"my (?:\w+ )?(?:customers?|buyers?|orders?|listings?|photos?|products?|work|shop|sarees?|"
    r"pots?|pieces?|bangles?)|which months|when do (?:people|buyers)|kaise karu|kaise kare|"
    r"कैसे करें|कैसे करूं)\b|कैसे|किस तरह"
)
# A question that asks how two things differ, however the two are said: "jamdani aur chanderi
# dono halke hain, fark kya hai", "which is better, kantha or phulkari".
_COMPARE_CUE = re.compile(
    r"\b(?:differ\w*|compar\w*|vs|versus|fark|farak|farq|antar|alag|better|same thing|similar)\b"
    r"|अंतर|अन्तर|फ़र्क|फर्क|तुलना|अलग")


# What the help guides are about, as a maker asks it: each needs a "how" or an ask for advice,
# except the GI tag, which is the guide's whatever is asked of it.
_GUIDE_TOPICS = {
    "photos": r"photo\w*|pictures?|pics?|tasveer|फोटो\w*|तस्वीर\w*",
    "packing": r"pack|packing|packed|wrap\w*|bubble ?wrap|पैक\w*",
    "custom orders": r"custom(?:i[sz]ed)? (?:orders?|made|pieces?)|bulk orders?|advance payment|"
                     r"(?:take|takes|taking|ask\w*|lena|lu|loon) (?:an |the )?advance|logo",
    "seasons": r"festivals?|festive|wedding season|seasons?|tyohar\w*|त्योहार\w*",
    "care": r"wash\w*|iron|ironing|dry ?clean\w*|storing|store (?:it|them|my|a|the)|fold\w*|"
            r"moths?|dhulai|dhona|dhoye|dhoyen|press karu|धुलाई|धो\w*|इस्त्री",
    "pricing": r"(?:how (?:do|should|can|would) (?:i|we|you)|how to|best way to|right way to) "
               r"(?:price|charge for)|pricing (?:tips|advice|strategy|guide|mistakes)|"
               r"tips (?:for|on) pricing|price (?:my )?hand-?made (?:work|items|products|pieces)|"
               # "daam kaise tay kare", "keemat kaise rakhe" (glossed "price how ...")
               r"(?:daam|dam|keemat|kimat|price|rate) (?:kaise|how) "
               r"(?:tay|rakh|nikal|set|decide|fix)\w*",
    "listings": r"(?:write|writing|likh\w*|लिख\w*)\b.{0,40}\b(?:listing|title|description)|"
                r"(?:listing|title|description)\b.{0,40}\b(?:write|writing|likh\w*|लिख\w*)",
}
_GUIDE = {name: re.compile(rf"(?<!\w)(?:{words})(?!\w)") for name, words in _GUIDE_TOPICS.items()}
_GI = re.compile(r"\b(?:gi|g\.i\.?)\s*(?:tags?|taig|tagged|marks?|logo)\b|geographical indication|"
                 r"जीआई|जी\.आई\.")
# How to do it, or advice: not "my photo was stolen" (a theft to check, not a guide).
_GUIDE_ASK = re.compile(
    r"\b(?:how (?:do|should|can|to|would|could|much should) (?:i|we|you)?|how to|how\b.{0,30}"
    r"\b(?:best|properly|safely|nicely|good|better)|kaise\w*|kese|tips?|advice|advise|"
    r"suggest\w*|best|guide|should i|what to|which|kya karu|kya kare|kya rakhu|sujhav)\b"
    r"|कैसे|किस तरह|सुझाव|क्या करूं|क्या करें")

_ASKS_ABOUT = re.compile(r"\b(?:what|why|how|who|kya|kyon|kyun|kaise|benefits?|fayda|phayda|"
                         r"apply|get|mean\w*|matlab|explain\w*|worth)\b|क्या|कैसे|फायदा|फ़ायदा|"
                         r"मतलब|\?")


# The words of each guide's own title and sections, added to a question that names its topic in
# other words ("phone se photo kaise khichu") so the guide is found.
GUIDE_WORDS = {
    "photos": "photographing your craft for listings light background shots",
    "packing": "shipping fragile crafts safely packing steps",
    "custom orders": "taking custom orders and bulk orders advance samples",
    "seasons": "festivals and seasonal demand for crafts",
    "care": "caring for handwoven textiles and sarees storing washing ironing",
    "listings": "writing a good listing title description",
    "gi tags": "geographical indication GI tags explained",
    "pricing": "how to price handmade work costs market",
}


def guide_topic(question: str) -> str | None:
    """The help guide a maker's question is for ("how do I photograph brass", "GI tag kya hai")."""
    text = " ".join(question.casefold().split())
    if _GI.search(text) and _ASKS_ABOUT.search(text):
        return "gi tags"  # "GI tag kya hai", not "show me GI tagged sarees"
    if not _GUIDE_ASK.search(text):
        return None
    return next((name for name, pattern in _GUIDE.items() if pattern.search(text)), None)


# What people say for a word the notes use: "dying out" is what the notes call endangered.
_NOTES_WORDS = (
    (re.compile(r"\b(?:in danger|dying|die out|dies out|disappear\w*|vanish\w*|extinct\w*|"
                r"at risk|fading|on the verge|losing (?:its|their) (?:artisans|makers|craftsmen)|"
                r"no one (?:makes|learns)|lupt|khatam)\b"), "endangered"),
)


def in_notes_words(question: str) -> str:
    """The question with the notes' own word added where it says the same thing another way.

    "Why is Kondapalli toy making in danger of dying out?" gains "endangered", the word the
    cluster's note and the endangered-crafts guide use; both retrieval and the answer's
    confidence (which counts shared words) then see the match.
    """
    text = question.casefold()
    extra = [word for pattern, word in _NOTES_WORDS
             if pattern.search(text) and word not in text]
    return f"{question} {' '.join(extra)}" if extra else question


def comparison_sides(question: str) -> tuple[str, str] | None:
    """The two things a comparison question compares, or ``None`` if it compares nothing."""
    text = " ".join(question.casefold().split())
    for pattern in _COMPARISONS:
        match = pattern.search(text)
        if match:
            sides = tuple(_trim(match.group(g)) for g in ("a", "b"))
            if all(len(s) >= 3 for s in sides) and sides[0] != sides[1]:
                return sides[0], sides[1]
    return None


def asks_to_compare(question: str) -> bool:
    """Whether the question asks how things differ or which is better, in any wording."""
    return bool(_COMPARE_CUE.search(question.casefold()))


def is_how_to(question: str) -> bool:
    """Whether the question asks how to do something (a maker's or buyer's practical question)."""
    return bool(_HOW_TO.search(" ".join(question.casefold().split())))


def _trim(side: str) -> str:
    side = side.strip(" ,.?!'-")
    previous = None
    while previous != side:
        previous, side = side, _FILLER.sub("", side).strip()
    return side
