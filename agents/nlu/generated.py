"""Training utterances generated from templates over the shared gazetteers.

The hand-written corpus names a few crafts and towns per tool; people name any of them. Each
template here is filled, with a fixed seed, from every craft, product, material and state of
``domain.vocabulary`` and the towns of the craft catalogue, in English, Hinglish and Devanagari,
so the classifier learns the shape of a request rather than the words of its examples. The
output is synthetic and feeds training only, never an eval set.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from string import Formatter

from domain.catalog import CLUSTERS
from domain.vocabulary import GLOSSARY, Vocabulary

SEED = 19  # a seed whose utterances include none of the independent eval sets
PER_TEMPLATE = 6  # fillings of each template: enough to vary the words, not to drown the corpus
MAX_PAIRS = 4000
ADDED_SEED = 1  # offset of the seed of ADDED_TEMPLATES' generator

# {craft} {product} {material} {place} {region} and their Hindi {hcraft} {hproduct}
# {hmaterial} {hregion}; out-of-scope topics {oos} {hoos} {doos}; numbers {n} {kg} {g} {hrs}
# {price} {cost} {km} {days}; ids {pid} {cid} {img}.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "search_products": (
        "show me {craft} {product} under {price}",
        "looking for a {material} {product} near {place}",
        "any {craft} pieces from {place}",
        "i want to buy a {product} made of {material}",
        "{product} in {region} below rs {price}",
        "find {craft} within {km} km of {place}",
        "{craft} {product} dikhao {price} tak",
        "{place} ka {product} chahiye",
        "mujhe {material} ka {product} kharidna hai",
        "{hcraft} दिखाओ",
        "{hmaterial} का {hproduct} चाहिए {price} रुपये तक",
        # A shopper's budget is a price cap (a maker's budget is capital to plan with).
        "looking for {craft} {product} in a budget of {price}",
        "want to buy a {material} {product}, my budget is {price} max",
        "{product} from {place} within a {price} budget, what do you have",
        "budget {price} hai, {product} dikhao",
    ),
    "golden_price": (
        "what should i charge for my {material} {product}, {kg} kg, {hrs} hours of work",
        "fair price for a {craft} {product} weighing {g} grams, took {hrs} hrs",
        "help me price my {product}, {material}, {kg} kilo, {hrs} hours",
        "how much to sell a {craft} {product} for",
        "mere {material} {product} ka sahi daam kya rakhu, {kg} kilo, {hrs} ghante",
        "{product} ki keemat batao {hrs} ghante lage",
        "मेरे {hmaterial} के {hproduct} का दाम कितना रखूँ, {kg} किलो, {hrs} घंटे",
    ),
    "shipping_quote": (
        "how much to ship a {kg} kg parcel to {place}, worth {price}",
        "what would a courier cost for my {product} going to {place}, {g} g, rs {price}",
        "shipping cost from {place2} to {place} for {kg} kg worth {price}",
        "delivery charge to {place} for my {product}",
        "send a {kg} kilo {product} to {place}, price {price}",
        "{kg} kilo ka parcel {place} pahunchane mein kitna lagega, {price} ka maal",
        "{product} {place} bhejna hai kitna lagega",
        "{place} तक {kg} किलो का पार्सल भेजने का खर्च, {price} रुपये का सामान",
        # Terse requests: a label, then the parcel's facts.
        "quote: {material} {product} {kg} kg, rs {price}, to {place}",
        "quote - {product}, {g} g, {n}x{n}x{n} cm, {place}",
        "courier charges: {craft} {product} to {place}, {kg} kg",
        "{craft} {product} {place} bhejna hai {kg} kilo {price} ka",
        "{place2} se {place} {product} mangwana hai, {g} gram, {price} rupaye",
        "{place2} से {place} {hproduct} मंगवाना है, {kg} किलो, {price} रुपये",
    ),
    "craft_clusters": (
        "which craft clusters are near {place}",
        "craft clusters in {region}",
        "where are the {craft} clusters",
        "artisan villages within {km} km of {place}",
        "endangered crafts near {place}",
        "which clusters make {material} work",
        "{region} ke karigar gaon kahan hain",
        "{place} ke paas karigar gaon",
        "{hregion} के हस्तशिल्प केंद्र बताओ",
    ),
    "heritage_lookup": (
        "i want to know the history behind {craft}",
        "how is {craft} made",
        "what is special about {craft}",
        "how can i tell genuine {craft} from fake",
        "what does the motif in {craft} mean",
        "{craft} ka itihas batao",
        "{craft} kaise banta hai",
        "{hcraft} का इतिहास बताइए",
        "{hcraft} कैसे बनता है",
        # History told through a craft town, with a year or an event.
        "what happened in {ctown} in {year}",
        "how did {ctown} become famous for {craft}",
        "when did {craft} start in {ctown}",
        "why is {craft} dying out",
        "{ctown} ka {craft} kab shuru hua",
    ),
    "heritage_trail": (
        "plan a heritage trail for {craft}",
        "a craft tour of {region}",
        "route to visit {craft} workshops",
        "i want to visit artisans in {region}, make me a trail",
        "{craft} ke karigaron se milne ka rasta batao",
        "{hregion} के कारीगरों से मिलने का सफ़र बनाइए",
        "heritage walk for cluster {kid}",
        "{craft} artisans route in {ctown}, how long will it take",
        "show me a day trip to the {craft} workshops of {ctown}",
    ),
    "demand_forecast": (
        "what will {craft} demand be over the next {days} days",
        "forecast sales of {product} in {region}",
        "will {product} sell well next month",
        "demand for {craft} in {region} for {days} days",
        "agle {days} din {product} ki demand kitni hogi",
        "{region} mein {craft} kitna bikega",
        "अगले {days} दिन {hproduct} की माँग कितनी होगी",
    ),
    "production_plan": (
        "how many {product} should i make, each costs {cost} to make",
        "i plan to make {n} {product} at {cost} each, capital {price}",
        "should i produce {n} {craft} pieces this season",
        "i want to make {n} {product}, materials and labour {cost} a piece, {n2} in stock",
        "{n} {product} banane ka plan, har piece ki lagat {cost}",
        "kitne {product} banane chahiye, lagat {cost} per piece",
        "क्या {n} {hproduct} बनाना ठीक रहेगा? लागत {cost} रुपये प्रति नग",
        # Terse plans: a batch, its unit cost, stock or capital, and a request for advice.
        "planning {n} {material} {product} at rs {cost} apiece, {n2} in stock already. thoughts?",
        "batch plan: {n} {craft} pieces, unit cost {cost}, capital {price}",
        "production: {n} {product}, {cost} a piece, budget {price}",
        "thinking of {n} {product} for the festival season at {cost} each, {n2} left over, advise",
        "what should i make next month with {price} to spend",
        "tyohar ke liye {n} {product} banane ka soch raha hu, lagat {cost} ek ki",
        "{product} {n} piece plan hai, per piece {cost} ka padta hai, stock me {n2} pade hai",
        "agle mahine {n} {product} banau kya, ek ka cost {cost}, budget {price}",
        "{craft} {product} {n} piece, lagat {cost} per piece, kitna risk hai",
        "{product} {n} pairs unit cost {cost} capital {price} region {region} check risk",
        "{n} {hproduct} बनाने का विचार है, एक पीस {cost} रुपये का, पूँजी {price}",
        "{n} pcs {product} @ {cost}, budget {price}, how many should i really make",
        "is it wise to make {n} {product} costing rs {cost}/piece with {price} in hand",
        "risk check: {n} {craft} {product}, {cost} per pc, {n2} unsold",
        "{n} {product} ka production karna hai, {cost} rupaye per piece, paisa {price} hai",
    ),
    "list_orders": (
        "did the {product} order go out",
        "{n} {product} ka order kab tak pahunchega",
        "{n} {hproduct} वाला ऑर्डर कहाँ तक पहुँचा",
    ),
    "update_price": (
        "change the price of {pid} to {price}",
        "set {pid} at rs {price}",
        "make my {product} {pid} {price} rupees",
        "lower {pid} to {price}",
        "{pid} ki keemat ab {price} rakho",
        "{pid} की क़ीमत बदलकर {price} रखो",
    ),
    "create_listing": (
        "i made a {material} {product} to sell: {kg} kg, {hrs} hours of work, asking {price}",
        "create a listing for my {craft} {product} at {price}",
        "add a {product} to my shop, made of {material}, price {price}",
        "draft a listing for a {craft} {product}, {g} grams, {price}",
        "mera naya {product} dukaan mein lagao, {material} ka, {price} rupaye",
        "{craft} {product} bechna hai, {price} ka, listing bana do",
        "{hproduct} बेचना है, {hmaterial} से बना, {kg} किलो, इसे दुकान में जोड़ो",
        "list my {material} {product}, {kg} kg, {hrs} hours",
        "i want to sell a {craft} {product} with {material} work",
        "put my new {product} up for sale, {material}, {g} grams",
        "{hproduct} की जोड़ी बेचनी है, {hmaterial} की, {price} रुपये",
    ),
    "publish_listing": (
        "publish my draft {pid}",
        "make the {product} listing live",
        "put {pid} up for sale now",
        "{pid} ab bechne ke liye khol do",
        "draft {pid} publish karo",
        "{pid} को दुकान पर चालू करो",
        "मेरा ड्राफ्ट {pid} प्रकाशित करो",
    ),
    "recommend_similar": (
        "show me more like {pid}",
        "similar pieces to {pid}",
        "anything like this {product} {pid}",
        "other {craft} like {pid}",
        "{pid} se milte julte saman batao",
        "{pid} से मिलता जुलता कुछ और है?",
    ),
    "analyze_authenticity": (
        "is my {product} photo {img} authentic handmade",
        "check authenticity of {img}, it is a {craft} {product}",
        "score the picture {img} of my {material} {product}",
        "{img} wali photo asli haath ki bani hai kya",
        "{img} वाली तस्वीर देखकर बताओ {hproduct} हाथ का बना है या नहीं",
    ),
    "image_theft_check": (
        "seller {cid} copied my photo {img}",
        "someone is using my {product} picture",
        "check if {cid} stole my image",
        "{cid} ne meri photo chura li",
        "{cid} ने मेरी फ़ोटो चुराई",
    ),
    "fraud_check": (
        "check seller {cid} for fraud",
        "is {cid} a reseller",
        "run a fraud check on {cid}",
        "{cid} ka fraud check karo",
        "{cid} नकली विक्रेता तो नहीं, पता करो",
    ),
    "inventory_health": (
        "which of my {product} are not selling",
        "कौन सा {hproduct} नहीं बिक रहा",
        # Stock lying unsold for a while, said of any product.
        "which {product} have been sitting in my shop for over {days} days",
        "mera koi {product} {days} din se pada hai kya",
        "kaun se {product} kab se nahi bike, stock dekh ke batao",
        "{hproduct} जो {days} दिन से दुकान में पड़े हैं",
    ),
    "consolidation_plan": (
        "can i combine my orders going to {place}",
        "{place} aur {place2} ke parcel ek saath bhejne ka plan",
        "{place} और {place2} के पार्सल साथ में भेजने की योजना",
        "how much will i save by sending my orders together",
        "mere orders ek saath bhejne se kitni bachat hogi",
        "ऑर्डर इकट्ठा करके भेजने का फ़ायदा बताओ",
    ),
    "out_of_scope": (
        "what is the weather in {place} tomorrow",
        "book a train ticket to {place}",
        "best hotels in {place}",
        "{place} ka mausam kaisa hai",
        "{place} ki flight book karo",
        "{place} में आज मौसम कैसा है",
        "which train goes from {place2} to {ctown} in the morning",
        "is there snow in {region} now, we want to go sightseeing",
        # Whole topic families a marketplace declines, beside a town, a state or a craft.
        "{oos} in {place}",
        "can you tell me {oos} for {place} please",
        "i am a {craft} artisan from {ctown}, tell me {oos}",
        "need help with {oos}, i live near {place}",
        "{place} me {hoos} batao",
        "bhai {hoos} chahiye {place} ke liye",
        "{ctown} ke paas {hoos} kaise milega",
        "{hregion} में {doos} बताइए",
        "{place} में {doos} के बारे में बताओ",
    ),
}

# Topics no tool of a craft marketplace serves, for the out-of-scope templates: weather and
# travel, sport, news, food, health, money, phones, exams, jobs, the stars, films, facts and
# code. English, Hinglish and Devanagari lists are separate so each template keeps one script.
OUT_OF_SCOPE_TOPICS: dict[str, tuple[str, ...]] = {
    "oos": (
        "the weather tomorrow", "the rain forecast", "train tickets", "a bus ticket",
        "a cheap flight", "a hotel room for two nights", "a taxi to the airport",
        "the cricket score", "who won the football match", "today's news headlines",
        "the election results", "a biryani recipe", "how to cook dal makhani",
        "medicine for a fever", "a good doctor", "a personal loan", "my bank balance",
        "health insurance", "the emi on my loan", "a mobile recharge", "a new sim card",
        "my exam result", "the board exam syllabus", "a government job", "job vacancies",
        "my horoscope for this week", "a movie to watch tonight", "the latest songs",
        "the capital of the state", "the population of the city", "python code for a website",
        "the petrol price today", "the gold rate today", "the share market",
    ),
    "hoos": (
        "kal ka mausam", "barish kab hogi", "train ka ticket", "bus ka time", "flight ka ticket",
        "hotel ka kamra", "taxi ka kiraya", "match ka score", "aaj ki khabar",
        "chunav ka natija", "biryani ki recipe", "khana banane ka tarika", "bukhar ki dawai",
        "achha doctor", "loan kaise milega", "bank ka balance", "bima ki kist",
        "mobile recharge", "exam ka result", "naukri", "aaj ka rashifal", "meri kundli",
        "nayi film", "naya gaana", "petrol ka rate", "sone ka bhav aaj",
    ),
    "doos": (
        "कल का मौसम", "बारिश", "ट्रेन का टिकट", "बस का समय", "होटल का कमरा", "मैच का स्कोर",
        "आज की ख़बर", "चुनाव का नतीजा", "बिरयानी की रेसिपी", "बुखार की दवाई", "लोन",
        "बैंक का बैलेंस", "मोबाइल रिचार्ज", "परीक्षा का नतीजा", "नौकरी", "आज का राशिफल",
        "नई फ़िल्म", "पेट्रोल का दाम",
    ),
}


# Templates added later draw from a generator of their own (ADDED_SEED), after the first
# ones: adding one leaves every utterance of TEMPLATES as it was.
ADDED_TEMPLATES: dict[str, tuple[str, ...]] = {
    "consolidation_plan": (
        "jo orders bhejne baaki hai unko ek saath bhejne ka plan",
        "baaki orders club karke bhejo, kitna bachega",
        "pending orders ko milake bhejne ka plan bana do",
        "bundle my unshipped orders into fewer parcels",
    ),
    "craft_clusters": (
        "where is {craft} made",
        "{craft} kahan banta hai",
        "{hcraft} कहाँ बनता है",
    ),
    "create_listing": (
        "{craft} {product} site pe daal do, {price} rs",
        "mera {material} {product} website pe dalna hai, {price} rupaye",
        "put my {product} on the site, {material}, {price}",
        "{product} online daal do, {kg} kilo, {price} ka",
    ),
    "image_theft_check": (
        "meri photo {img} koi aur use kar raha hai, dekho",
        "koi aur seller meri {product} ki photo laga raha hai",
        "my photo {img} is being used by another seller",
        "another shop has put up my picture {img}, check it",
        "मेरी फ़ोटो {img} कोई और इस्तेमाल कर रहा है",
    ),
    "publish_listing": (
        "make {pid} live, price {price}",
        "make {pid} live at {price} rupees",
        "put {pid} live for {price}",
        "{pid} live kar do, {price} rakho",
        "{pid} ko {price} me live karo",
    ),
}


@dataclass(frozen=True)
class _Words:
    """What templates are filled from: English terms, their Hindi, and towns."""

    crafts: list[str]
    products: list[str]
    materials: list[str]
    regions: list[str]
    places: list[str]
    towns: list[str]  # the craft clusters' own towns
    hindi: dict[str, list[str]]  # slot → Hindi terms


def _words() -> _Words:
    vocab = Vocabulary.default()

    def names(kind: str) -> list[str]:
        return [e.canonical for e in vocab.entries(kind) if e.canonical.isascii()]

    glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))

    def hindi(kind: str) -> list[str]:
        return sorted({row[0].partition("|")[0] for row in glossary[kind].values()})

    states = [e.canonical for e in vocab.entries("region")]
    towns = sorted({c.town for c in CLUSTERS} | {"Delhi", "Mumbai", "Kolkata", "Chennai",
                                                  "Bengaluru", "Hyderabad", "Pune", "Ahmedabad",
                                                  "Lucknow", "Bhopal", "Patna", "Guwahati"})
    return _Words(
        crafts=names("craft"), products=names("product"), materials=names("material"),
        regions=states, places=towns, towns=sorted({c.town for c in CLUSTERS}),
        hindi={"hcraft": hindi("craft"), "hproduct": hindi("product"),
               "hmaterial": hindi("material"), "hregion": hindi("regions")},
    )


class _Cycle:
    """Terms handed out in a shuffled order, each once before any comes back.

    Every craft, product, material, state and town is used, not just the likely ones.
    """

    def __init__(self, terms: list[str], rng: random.Random) -> None:
        self.terms, self.rng = list(terms), rng
        self.left: list[str] = []

    def next(self) -> str:
        """The next term; a new shuffle once all were used."""
        if not self.left:
            self.left = self.rng.sample(self.terms, len(self.terms))
        return self.left.pop()


def _filler(words: _Words, rng: random.Random) -> Callable[[str], str]:
    """Fills a template's slots: terms in turn from each list, numbers and ids at random."""
    cycles = {
        "craft": _Cycle(words.crafts, rng), "product": _Cycle(words.products, rng),
        "material": _Cycle(words.materials, rng), "region": _Cycle(words.regions, rng),
        "place": _Cycle(words.places, rng), "ctown": _Cycle(words.towns, rng),
        **{slot: _Cycle(terms, rng) for slot, terms in words.hindi.items()},
        **{slot: _Cycle(list(terms), rng) for slot, terms in OUT_OF_SCOPE_TOPICS.items()},
    }

    def fill(template: str) -> str:
        slots = {name for _, name, _, _ in Formatter().parse(template) if name}
        # Only the slots a template uses take their next term, so every term gets its turn.
        values: dict[str, object] = {s: c.next() for s, c in cycles.items() if s in slots}
        values["place"] = values.get("place") or words.places[0]
        values["place2"] = rng.choice([p for p in words.places if p != values["place"]])
        values.update({
            "n": rng.choice((20, 30, 50, 75, 100, 150, 200, 300)),
            "n2": rng.choice((0, 5, 12, 40)),
            "kg": rng.choice((0.5, 1, 1.2, 2, 2.5, 4, 8)), "g": rng.choice((150, 250, 400, 700)),
            "hrs": rng.choice((3, 6, 10, 18, 24, 40, 60)), "km": rng.choice((25, 50, 100, 200)),
            "price": rng.choice((500, 900, 1500, 2400, 3200, 5000, 12000)),
            "cost": rng.choice((40, 80, 150, 300, 650)), "days": rng.choice((30, 60, 90, 180)),
            "pid": f"p-{rng.randrange(1, 3300):05d}", "cid": f"c-{rng.randrange(1, 320):04d}",
            "img": f"up-{rng.getrandbits(64):016x}",
            "year": rng.choice((1857, 1905, 1947, 1951, 1972, 1999)),
            "kid": f"k-{rng.randrange(1, 60):03d}",
        })
        return template.format(**values)

    return fill


@lru_cache(maxsize=1)
def generated_corpus(seed: int = SEED, per_template: int = PER_TEMPLATE) -> list[tuple[str, str]]:
    """``(utterance, intent)`` pairs: each template filled ``per_template`` times, deduplicated."""
    pairs: dict[str, str] = {}
    words = _words()
    for templates, rng in ((TEMPLATES, random.Random(seed)),
                           (ADDED_TEMPLATES, random.Random(seed + ADDED_SEED))):
        fill = _filler(words, rng)
        for intent in sorted(templates):
            for template in templates[intent]:
                for _ in range(per_template):
                    pairs.setdefault(fill(template), intent)
    return list(pairs.items())[:MAX_PAIRS]
