"""What a craft marketplace declines, by topic family, even when a town or a craft is named.

Each family is tried in English, Hinglish and Devanagari; requests of the trade that use the
same words ("ship to a hotel", "rain-proof packing", "a toy train") must stay in scope.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.nlu.entities import parse
from agents.nlu.hindi import to_english
from agents.nlu.references import off_topic


def _off(text: str) -> bool:
    return off_topic(parse(to_english(text)))


OUT_OF_SCOPE = {
    "weather": ["will it rain in Bhuj this weekend", "udaipur me aaj ka temperature kitna hai",
                "वाराणसी में कल बारिश होगी क्या", "is there snowfall in Srinagar"],
    "travel": ["book me a cab from Jaipur airport", "kolkata se puri ki train kab hai",
               "channapatna se bangalore bus ka kiraya", "cheap hotel booking near the Taj",
               "दिल्ली से आगरा का ट्रेन टिकट बुक करो", "best places to visit in Kutch"],
    "sports": ["what was the ipl score last night", "india ka match kaun jeeta",
               "भारत का मैच कौन जीता", "who won the football world cup"],
    "news": ["latest news from Madhubani", "rajasthan me chunav kab hai",
             "who is the chief minister of Odisha", "आज की ख़बर सुनाओ"],
    "food": ["how to cook dum biryani like in Lucknow", "lucknow ka kebab kaise banta hai",
             "agra ka petha kahan milega", "बनारसी पान कैसे बनता है"],
    "health": ["which doctor is good in Jaipur", "bukhar ki dawai batao",
               "मुझे सिर दर्द की दवाई चाहिए", "nearest hospital to Pochampally",
               "my back is aching after weaving all day, what should I do",
               "which tablet is best for knee pain"],
    "money": ["how do i get a mudra loan", "mera bank balance batao",
              "petrol ka rate moradabad me", "बीमा की किस्त कब भरनी है",
              "silver price per kg today in Kolkata"],
    "phone": ["recharge my jio number with 299", "mobile recharge kar do",
              "मोबाइल रिचार्ज कर दो"],
    "study": ["when will the cbse board result come", "exam ka result kab aayega",
              "परीक्षा का नतीजा कब आएगा", "when will the state board class 12 results come out",
              "my daughter wants medical admission in Manipal, which college is good"],
    "jobs": ["any job vacancies in Bhadohi", "jaipur me naukri chahiye", "मुझे नौकरी चाहिए"],
    "stars": ["what does my horoscope say today", "meri kundli dekh ke batao",
              "आज का राशिफल बताओ"],
    "media": ["recommend a movie about weavers", "naya gaana sunao", "नई फ़िल्म कौन सी है"],
    "facts": ["what is the capital of Assam", "who invented the telephone"],
    "code": ["write python code to sort a list"],
}


@pytest.mark.parametrize(("family", "text"),
                         [(f, t) for f, texts in OUT_OF_SCOPE.items() for t in texts])
def test_out_of_scope_families(family: str, text: str) -> None:
    assert _off(text), (family, to_english(text))


@pytest.mark.parametrize("text", [
    "ship my saree to a hotel in Goa, 1 kg, worth 4000",
    "do you have rain-proof packing for clay pots",
    "price for a wedding order of 200 diyas",
    "show me a wooden toy train from Channapatna",
    "is this khurja bowl safe for food",
    "who invented tanjore painting",
    "match my photo against c-0041's listings",
    "what is the authenticity score of my photo",
    "plan production of 300 tiles for a hotel lobby",
    "temple jewellery from Nagercoil under 5000",
    "hotel ke liye 50 brass lamp ka order banana hai",
    "demand for sarees in the wedding season",
    "coffee table of sheesham wood, 18 kg, 95 hours, price?",
    "fare price for my madhubani painting, 0.5 kg, 20 hours",
    "ye saree delhi bhejni hai, 600 gram, 3000 ki",
    "a tablet cover in madhubani print under 800",
    "i am a college student, show me a gift under 500",
])
def test_the_trade_is_not_out_of_scope(text: str) -> None:
    assert not _off(text), to_english(text)


TOPICS = ["the weather", "train tickets", "the cricket score", "a biryani recipe",
          "a personal loan", "a mobile recharge", "my exam result", "a job", "my horoscope",
          "a new movie", "medicine for a cold", "the latest news"]
TOWNS = ["Jaipur", "Bhuj", "Varanasi", "Channapatna", "Moradabad", "Kanchipuram"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(TOPICS), st.sampled_from(TOWNS),
       st.sampled_from(["tell me {t} in {p}", "{t} near {p}?", "i need {t}, i live in {p}"]))
def test_a_town_does_not_make_a_topic_a_search(topic: str, town: str, shape: str) -> None:
    assert _off(shape.format(t=topic, p=town))
