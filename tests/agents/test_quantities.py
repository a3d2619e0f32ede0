"""Numbers and units as people say them: words, fractions, Hinglish and Hindi, with their units.

Hypothesis writes the numbers out in words with its own speller (below) and checks that the
parser reads back the same value with the right unit; a weight said in words beside hours of
work must stay a weight.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.nlu.entities import _words_to_digits, parse
from agents.nlu.hindi import to_english
from agents.nlu.skill import SkillContext
from agents.skills.golden_price import fill as golden_fill
from agents.skills.production_plan import fill as plan_fill

_ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
CTX = SkillContext("c-0001", "creator")


def spell(n: int) -> str:
    """English words for 1 <= n < 1,000,000 ("two thousand five hundred and forty")."""
    def small(k: int) -> list[str]:
        words: list[str] = []
        if k >= 100:
            words += [_ONES[k // 100], "hundred"]
            k %= 100
            if k:
                words.append("and")
        if k >= 20:
            words.append(_TENS[k // 10])
            k %= 10
        if k:
            words.append(_ONES[k])
        return words

    thousands, rest = divmod(n, 1000)
    words = (small(thousands) + ["thousand"]) if thousands else []
    return " ".join(words + small(rest))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999))
def test_numbers_in_words_read_back(n: int) -> None:
    assert _words_to_digits(spell(n)) == str(n)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=99), st.sampled_from(["kg", "kilo", "kilos", "kgs"]))
def test_weights_in_words_or_digits_are_kilograms(n: int, unit: str) -> None:
    for said in (str(n), spell(n)):
        utt = parse(f"it weighs {said} {unit}")
        assert utt.first("kg") == n


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["g", "gm", "gms", "grams"]))
def test_grams_become_a_fraction_of_a_kilogram(n: int, unit: str) -> None:
    args = golden_fill(parse(f"silk saree {n} {unit}, 10 hours"), CTX)
    assert args["weight_kg"] == pytest.approx(n / 1000, abs=1e-3)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=20), st.integers(min_value=1, max_value=300),
       st.sampled_from(["hours", "hrs", "hr", "hours of work"]))
def test_a_weight_in_words_beside_hours_stays_a_weight(kg: int, hours: int, unit: str) -> None:
    """"five kilo, 40 hours" is 5 kg and 40 h, never 40 kg."""
    args = golden_fill(parse(f"brass lamp, {spell(kg)} kilo, {hours} {unit}"), CTX)
    assert args["weight_kg"] == kg
    assert args["production_hours"] == hours


@pytest.mark.parametrize(("said", "value"), [
    ("half a kilo", 0.5), ("half kg", 0.5), ("quarter kg", 0.25), ("one and a half kg", 1.5),
    ("two and half kg", 2.5), ("a dozen", 12), ("two dozen", 24), ("twelve hundred", 1200),
    ("12k", 12000), ("1.5 lakh", 150000),
])
def test_fractions_and_scales(said: str, value: float) -> None:
    assert float(_words_to_digits(said).split()[0]) == value


@settings(max_examples=120, deadline=None)
@given(st.sampled_from([("dedh", 1.5), ("dhai", 2.5), ("aadha", 0.5), ("डेढ़", 1.5),
                        ("ढाई", 2.5), ("आधा", 0.5)]),
       st.sampled_from(["kilo", "किलो"]), st.integers(min_value=1, max_value=90))
def test_hindi_fractions_with_hours(fraction: tuple[str, float], unit: str, hours: int) -> None:
    word, value = fraction
    hours_word = "घंटे" if unit == "किलो" else "ghante"
    gloss = to_english(f"pital ka diya {word} {unit}, {hours} {hours_word} lage")
    args = golden_fill(parse(gloss), CTX)
    assert args["weight_kg"] == value
    assert args["production_hours"] == hours


@settings(max_examples=120, deadline=None)
@given(st.sampled_from([("sawa", 0.25), ("saadhe", 0.5), ("paune", -0.25), ("सवा", 0.25),
                        ("साढ़े", 0.5)]),
       st.sampled_from([("do", 2), ("teen", 3), ("char", 4), ("दो", 2), ("तीन", 3), ("चार", 4)]))
def test_sawa_saadhe_paune(offset: tuple[str, float], base: tuple[str, int]) -> None:
    gloss = to_english(f"mera parcel {offset[0]} {base[0]} kilo ka hai")
    assert parse(gloss).first("kg") == base[1] + offset[1]


@pytest.mark.parametrize(("text", "expected"), [
    ("तीन किलो", 3), ("पांच सौ रुपये", 500), ("तीन हज़ार", 3000), ("बीस घंटे", 20),
    ("१२ घंटे", 12), ("dhai hazaar rupaye", 2500), ("do sau gram", 200),
])
def test_hindi_number_words_and_numerals(text: str, expected: float) -> None:
    assert parse(to_english(text)).quantities[0].value == expected


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("each wooden toy costs me 150 to make, plan 200", "unit_cost", 150),
    ("planning 100 lamps at 450 each, i have only 30000 capital", "capital", 30000),
    ("100 diye banane hain, ek ki lagat 20 rupaye", "unit_cost", 20),
    ("50 sarees, 2000 a piece", "unit_cost", 2000),
    ("40 stoles at 300 per unit", "unit_cost", 300),
    ("planning 100 brass lamps @ 450, budget 30000", "unit_cost", 450),
    ("120 diyas at rs 85/piece, 40 in stock", "unit_cost", 85),
    ("make 60 shawls, 1100 per pc, capital 50k", "capital", 50000),
    ("80 pairs of juttis, rs 600 a pair, i have 20000 to invest", "unit_cost", 600),
])
def test_unit_costs(text: str, slot: str, value: float) -> None:
    args = plan_fill(parse(to_english(text)), CTX)
    assert args[slot] == value


@pytest.mark.parametrize(("text", "low", "high"), [
    ("silk sarees between 3000 and 6000", 3000, 6000),
    ("something around 3000 to 6000", 3000, 6000),
    ("kanchipuram saree 15000 se 30000 ke beech", 15000, 30000),
    ("पांच सौ रुपये से कम के खिलौने", None, 500),
])
def test_price_ranges(text: str, low: float | None, high: float | None) -> None:
    from agents.nlu.entities import price_bounds

    assert price_bounds(parse(to_english(text)).digits) == (low, high)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([("sawa", 1.25), ("sava", 1.25), ("saadhe", 1.5), ("paune", 0.75),
                        ("सवा", 1.25), ("साढ़े", 1.5)]),
       st.sampled_from(["kilo", "किलो"]))
def test_an_offset_alone_before_a_unit(offset: tuple[str, float], unit: str) -> None:
    """"sawa kilo" is a kilo and a quarter, "saadhe kilo" one and a half."""
    gloss = to_english(f"mera parcel {offset[0]} {unit} ka hai")
    assert parse(gloss).first("kg") == offset[1]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([("saade", 0.5), ("sadhe", 0.5), ("sawa", 0.25), ("paune", -0.25)]),
       st.sampled_from([("do", 2), ("teen", 3), ("saat", 7), ("nau", 9)]))
def test_an_offset_before_a_hundred(offset: tuple[str, float], base: tuple[str, int]) -> None:
    """"saade saat sau gram" is 750 g."""
    gloss = to_english(f"{offset[0]} {base[0]} sau gram")
    assert parse(gloss).first("g") == (base[1] + offset[1]) * 100


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=500), st.integers(min_value=10, max_value=9000),
       st.integers(min_value=10, max_value=99))
def test_one_piece_costs_in_hinglish(quantity: int, cost: int, lakh_tenths: int) -> None:
    """"ek ka cost X", "ek piece X ka padta hai": the unit cost, not the plan or the budget."""
    budget = lakh_tenths * 10_000
    for said in (f"{quantity} sets banau kya, ek ka cost {cost}, budget {budget}",
                 f"toys {quantity} piece banane hai, ek piece {cost} ka padta hai"):
        args = plan_fill(parse(to_english(said)), CTX)
        assert args["planned_quantity"] == quantity
        assert args["unit_cost"] == cost


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=2, max_value=500), st.integers(min_value=10, max_value=9000),
       st.sampled_from(["saree", "diya", "jodi", "shawl"]),
       st.sampled_from(["lagte", "lagta", "padta", "padti"]))
def test_what_one_piece_costs_said_after_the_number(quantity: int, cost: int, thing: str,
                                                    verb: str) -> None:
    """"ek saree banane me 2500 lagte hai", "450 ki ek jodi padti hai": a unit cost, and the
    "ek" (one piece) is no batch of one."""
    for said in (f"kya mujhe {quantity} {thing} banane chahiye? ek {thing} banane me {cost} "
                 f"{verb} hai",
                 f"{quantity} {thing} banau kya, {cost} ki ek {thing} {verb} hai",
                 f"{quantity} {thing} banau kya, ek {thing} {cost} rupaye ka {verb} hai"):
        args = plan_fill(parse(to_english(said)), CTX)
        assert args["planned_quantity"] == quantity, said
        assert args["unit_cost"] == cost, said


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("मेरे पास 10 शॉल पहले से हैं, 40 और बनाऊँ क्या? लागत 1500 एक की", "current_inventory", 10),
    ("मेरे पास 10 शॉल पहले से हैं, 40 और बनाऊँ क्या? लागत 1500 एक की", "planned_quantity", 40),
    ("mere paas 12 saree pehle se padi hai, 30 aur banau? lagat 2000 ek ki",
     "current_inventory", 12),
    ("bagru print ki 60 bedsheet banani hai, ek ki lagat 700, mere paas 35 hazaar hai bas",
     "capital", 35000),
    ("पीतल की घंटियाँ दो सौ बनानी हैं, एक की लागत ढाई सौ, गोदाम में तीस पड़ी हैं",
     "current_inventory", 30),
    ("marble coasters 120 piece, lagat 150 per piece", "planned_quantity", 120),
    ("marble coasters 120 piece, lagat 150 per piece", "unit_cost", 150),
])
def test_production_facts_in_hindi_and_hinglish(text: str, slot: str, value: float) -> None:
    assert plan_fill(parse(to_english(text)), CTX)[slot] == value


@pytest.mark.parametrize(("text", "hours"), [
    ("teen din, roz 8 ghanta", 24), ("two weeks approx, say 120 hours", 120),
    ("3 days of work", 24),
])
def test_hours_of_work(text: str, hours: float) -> None:
    assert golden_fill(parse(to_english(text)), CTX)["production_hours"] == hours


@pytest.mark.parametrize(("text", "low", "high"), [
    ("kolhapuri chappal chahiye 1000 se 2500 tak", 1000, 2500),
    ("wooden toys dikhao 1000 ke andar", None, 1000),
])
def test_hinglish_price_bounds(text: str, low: float | None, high: float | None) -> None:
    from agents.nlu.entities import price_bounds

    assert price_bounds(parse(to_english(text)).digits) == (low, high)


@pytest.mark.parametrize("word", ["colours", "coasters", "sellers", "flowers"])
def test_a_word_ending_in_rs_is_not_rupees(word: str) -> None:
    from agents.skills._intelligence import amounts

    assert [a.unit for a in amounts(parse(f"natural {word} 120 pieces"))] == [None]


@pytest.mark.parametrize(("text", "materials"), [
    ("pashmina stole 250 gram", ["pashmina"]), ("buffalo leather sandals", ["buffalo leather"]),
    ("kolhapuri chappal pair leather 700 gm", ["leather"]), ("softwood doll", ["soft wood"]),
    ("सूती कपड़े पर मधुबनी", ["cotton"]),
])
def test_materials_in_the_users_words(text: str, materials: list[str]) -> None:
    from agents.skills._intelligence import materials as said_materials

    assert said_materials(parse(to_english(text))) == materials


@pytest.mark.parametrize("text", ["बेंगलुरु के पास पचास किलोमीटर में हस्तशिल्प की दुकानें",
                                  "bengaluru ke paas 50 km me handicraft ki dukanen"])
def test_a_radius_said_with_me_is_a_radius(text: str) -> None:
    """"50 km में" (in 50 km) bounds the search like "50 km के अंदर"."""
    gloss = to_english(text)
    assert "within 50 km" in gloss and "shops" in gloss


@pytest.mark.parametrize(("text", "expected"), [
    ("is making 400 glass lamps a good idea? cost is 310 per lamp, I only have 60k",
     {"planned_quantity": 400, "unit_cost": 310, "capital": 60000}),
    ("we are a group of 6 women, we want to make 300 lamp shades, cost 150 each",
     {"planned_quantity": 300, "unit_cost": 150}),
    ("bidri vases - 35 pieces, making cost 1800/pc. I sell at 4500. Worth it?",
     {"planned_quantity": 35, "unit_cost": 1800, "unit_price": 4500}),
    ("my cost per elephant is 750, the order is for 75 elephants",
     {"planned_quantity": 75, "unit_cost": 750}),
    ("मधुबनी की ४० पेंटिंग, हर एक की लागत ८५०, पूंजी ३०,००० रुपये",
     {"planned_quantity": 40, "unit_cost": 850, "capital": 30000}),
    ("लकड़ी के 25 स्क्रीन, लागत साढ़े चार हज़ार एक की", {"planned_quantity": 25, "unit_cost": 4500}),
])
def test_production_facts_said_in_passing(text: str, expected: dict) -> None:
    """People, money in hand, a selling price and "one piece" are not the batch or its cost."""
    args = plan_fill(parse(to_english(text)), CTX)
    assert {k: args.get(k) for k in expected} == expected


@pytest.mark.parametrize(("text", "weight", "fragile"), [
    ("marble coaster set 1 kilo 200 gram, 1600, to Kolkata", 1.2, None),
    ("it weighs about a kilo, ship it to Kolkata, 3000", 1.0, None),
    ("two pairs of chappals, 1.4 kg, 1800 total, deliver to Nagpur. not fragile", 1.4, False),
    ("sawa kilo chappal ka dabba, 2200 rs, Pune bhejna hai, fragile nahi hai", 1.25, False),
    ("sawa kilo chappal ka dabba, 2200 rs, Goa bhejna hai", 1.25, None),
])
def test_parcel_weights_and_fragility(text: str, weight: float, fragile: bool | None) -> None:
    from agents.skills.shipping_quote import fill as ship_fill

    args = ship_fill(parse(to_english(text)), CTX)
    assert args["weight_kg"] == weight and args.get("fragile") == fragile
    assert args["destination"]  # a state ("Goa") is a destination too


def test_a_parcel_size_said_side_by_side() -> None:
    from agents.skills.shipping_quote import fill as ship_fill

    args = ship_fill(parse("a tube 90 cm long, 10 cm wide, 10 cm high, 0.5 kg, to Jaipur"), CTX)
    assert args["dimensions_cm"] == {"length": 90, "width": 10, "height": 10}


@pytest.mark.parametrize(("said", "value"), [("1 lakh 50 thousand", 150000),
                                             ("two lakh fifty thousand", 250000),
                                             ("2 thousand 5 hundred", 2500)])
def test_a_smaller_scale_after_a_larger_one_adds_to_it(said: str, value: int) -> None:
    assert _words_to_digits(said) == str(value)


@pytest.mark.parametrize(("text", "word"), [("पटोला साड़ी इतनी महंगी क्यों है", "patola"),
                                            ("पटियाला की जूती दिखाओ", "pati")])
def test_a_craft_spelt_out_is_not_a_town_that_sounds_like_it(text: str, word: str) -> None:
    """"पटोला" is the craft (not Patiala, which it sounds like); "पटियाला" is still the town."""
    gloss = to_english(text)
    assert word in gloss and ("patiala" not in gloss.replace("ā", "a")) == (word == "patola")


@pytest.mark.parametrize(("text", "destination"), [
    ("What would shipping cost for a 2800 rupee Channapatna toy set, 1.3 kg?", None),
    ("ship a channapatna toy to jaipur, 1 kg, 900", "Jaipur"),
    ("how much to send 2 kg to channapatna, worth 1500", "Channapatna"),
])
def test_a_craft_town_naming_the_piece_is_no_destination(text: str,
                                                         destination: str | None) -> None:
    from agents.skills.shipping_quote import fill as ship_fill

    assert ship_fill(parse(to_english(text)), CTX).get("destination") == destination


@pytest.mark.parametrize(("text", "gloss"), [
    ("मुंबई कितने दिन में पहुँचेगी?", "mumbai how many days to arrive ?"),
    ("jaipur kitne din lagenge", "how many days will it take"),
    ("k-018 wala trail dikhao, kitna time lagega", "how long will it take"),
    ("kaunse order ship ho gaye abhi tak", "which order shipped so far"),
    ("koi sasta sa gift dikhao 300 ke under", "under 300"),
    ("banarasi saree chahiye 10 se 20 hazaar ke beech me", "between 10000 and 20000"),
    ("kya mere store me koi cheez 60 din se zyada se padi hai", "more than 60 days"),
    ("jaipur ke paas blue pottery dikhao", "near jaipur blue pottery show"),
    ("agar 2 saree ek saath bheju", "if 2 saree together ship"),
    ("70 ghnte lge, bhut mehnat", "70 hours took , very"),
    ("वारली चित्रकला किस जनजाति से जुड़ी है?", "warli painting"),
    ("ek dhokra ghoda 4 kilo ka raipur nahi bilaspur bhejna hai", "4 kg to bilaspur ship"),
])
def test_hinglish_as_typed_on_whatsapp(text: str, gloss: str) -> None:
    """Spelling variants, verbs of time and status, postpositions and corrections in English."""
    assert gloss in to_english(text)


@pytest.mark.parametrize(("text", "unit_cost"), [
    ("kanchipuram silk saree 10 piece ka plan, lagat sawa lakh total hai sab milake", 12500),
    ("planning 40 brass lamps, total cost 60000, capital 1 lakh", 1500),
    ("planning 40 brass lamps at 1500 each, capital 1 lakh", 1500),
])
def test_a_total_cost_is_divided_over_the_batch(text: str, unit_cost: float) -> None:
    assert plan_fill(parse(to_english(text)), CTX)["unit_cost"] == unit_cost


def test_a_destination_corrected_mid_sentence_is_the_one_said_last() -> None:
    """"raipur nahi bilaspur": Bilaspur, in plain letters as typed (the gazetteer has Bilāspur)."""
    from agents.skills.shipping_quote import fill as ship_fill

    said = "ek dhokra ghoda hai 4 kilo ka 9500 ka raipur nahi bilaspur bhejna hai kitna lagega"
    assert ship_fill(parse(to_english(said)), CTX)["destination"] == "Bilaspur"


@pytest.mark.parametrize(("text", "gloss"), [
    ("कढ़ाई वाला शॉल जयपुर भेजना है, चार हज़ार का", "to jaipur ship"),
    ("jaipur tak bhejna hai 2 kilo", "to jaipur ship 2 kg"),
    ("chadar hai 1 kilo 200 gram ki", "1.2 kg"),
    ("मेरे जितने भी ऑर्डर आए हैं", "my all order"),
    ("dedh sau dupatte ka plan hai", "150 dupatta plan"),
    ("कांचीपुरम का मंदिर कितने बजे खुलता है?", "temple what time open"),
])
def test_hindi_word_order_for_places_weights_and_plurals(text: str, gloss: str) -> None:
    """A town before "bhejna" is where the parcel goes; "1 kilo 200 gram" is one weight."""
    assert gloss in to_english(text)


def test_a_town_before_how_many_days_to_arrive_is_the_destination() -> None:
    from agents.skills.shipping_quote import fill as ship_fill

    said = "कच्छ की कढ़ाई वाली शॉल, 700 ग्राम, 3500 रुपये, जयपुर कितने दिन में पहुँचेगी?"
    args = ship_fill(parse(to_english(said)), CTX)
    assert args == {"destination": "Jaipur", "weight_kg": 0.7, "declared_price": 3500}


def test_a_follow_up_with_a_new_weight_and_amount_changes_the_price() -> None:
    """"agar 2 saree ek saath bheju, 2 kilo, 40 hazaar?" after a 20000 parcel: ₹40,000 now."""
    from agents.skills.shipping_quote import fill as ship_fill

    ctx = SkillContext("c-0001", "creator", previous_args={
        "destination": "Mumbai", "weight_kg": 1.0, "declared_price": 20000.0})
    args = ship_fill(parse(to_english("agar 2 saree ek saath bheju, 2 kilo, 40 hazaar?")), ctx)
    assert args["weight_kg"] == 2 and args["declared_price"] == 40000


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=5000), st.sampled_from(["km", "kg", "g", "hours"]),
       st.sampled_from(["-", " - ", "- "]))
def test_a_unit_joined_by_a_hyphen_is_that_unit(n: int, unit: str, joint: str) -> None:
    # "a 500-km radius", "a 2-kg box": the hyphen joins the number to its unit
    spaced, joined = parse(f"a {n} {unit} piece"), parse(f"a {n}{joint}{unit} piece")
    assert [(q.value, q.unit) for q in joined.quantities] == [
        (q.value, q.unit) for q in spaced.quantities]
    assert joined.quantities[0].unit is not None


@pytest.mark.parametrize("text", ["between 200-300 rupees", "price 1200-1500", "sizes 10-12"])
def test_a_range_keeps_both_ends(text: str) -> None:
    assert len(parse(text).quantities) == 2


@pytest.mark.parametrize(("text", "category"), [
    ("कांच के दो हज़ार दीये बनाने हैं", "glass"),
    ("300 glass diyas at 25 each", "glass"),
    ("pital ke diye 100 banane hai", "metalware"),
    ("marble diya, 400 gram", "stonework"),
    ("500 diyas for diwali, 12 rupees each", "pottery"),
])
def test_a_diya_is_of_the_material_said(text: str, category: str) -> None:
    """A diya is clay unless its material is said: glass, brass, marble."""
    from agents.skills._intelligence import category as category_of

    assert category_of(parse(to_english(text))) == category


@pytest.mark.parametrize(("text", "location"), [
    ("kutch ke aas paas 50 km me kaunse craft gaon hai, bhuj se", "Bhuj"),
    ("craft clusters within 100 km of jaipur in rajasthan", "Jaipur"),
    ("craft clusters in kashmir", "Kashmir"),
])
def test_a_distance_is_measured_from_a_town_not_a_region(text: str, location: str) -> None:
    from agents.skills.craft_clusters import fill as clusters_fill

    assert clusters_fill(parse(to_english(text)), CTX)["location"] == location


@pytest.mark.parametrize(("text", "expected"), [
    # A weight said in kilos and grams is one weight.
    ("brass bowl, 2 kilo 300 gram, 9 hours", {"weight_kg": 2.3, "production_hours": 9}),
    ("terracotta vase 1 kg and 250 g, took 5 hours", {"weight_kg": 1.25, "production_hours": 5}),
    # A week worked every day is seven days.
    ("madhubani painting on paper, 300 gram, do hafte laga roz 4 ghante",
     {"weight_kg": 0.3, "production_hours": 56}),
])
def test_weights_in_two_units_and_weeks_of_daily_hours(text: str, expected: dict) -> None:
    args = golden_fill(parse(to_english(text)), CTX)
    assert {k: args.get(k) for k in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # "lac" is a scale only as a word of its own: lacquer toys are no lakh of toys.
    ("planning 250 lacquer bangles, 30 rupees each", {"planned_quantity": 250, "unit_cost": 30}),
    ("40 lacquered boxes at 200 each", {"planned_quantity": 40, "unit_cost": 200}),
    # What the maker will sell at, said with "keep", "is" or "will be".
    ("should i make 80 dhokra owls? each costs 400, selling price i will keep 950",
     {"planned_quantity": 80, "unit_cost": 400, "unit_price": 950}),
    ("30 pattachitra scrolls, cost 1200 each, sale price will be 2600",
     {"planned_quantity": 30, "unit_cost": 1200, "unit_price": 2600}),
])
def test_lacquer_is_no_lakh_and_a_selling_price_said_as_kept(text: str, expected: dict) -> None:
    args = plan_fill(parse(to_english(text)), CTX)
    assert {k: args.get(k) for k in expected} == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A count of pieces is neither a weight nor a price.
    ("2 dupattas to Lucknow, price 3000", {"destination": "Lucknow", "declared_price": 3000}),
    ("दो साड़ी चेन्नई भेजनी है, दाम 7000", {"declared_price": 7000}),
    # A comma ends what a number counts: the box is not counted.
    ("to Surat, 1.5 kg, worth 2500, box 30 x 20 x 10",
     {"destination": "Surat", "weight_kg": 1.5, "declared_price": 2500}),
])
def test_a_count_of_pieces_is_not_a_parcel_fact(text: str, expected: dict) -> None:
    from agents.skills.shipping_quote import fill as ship_fill

    args = ship_fill(parse(to_english(text)), CTX)
    assert {k: args.get(k) for k in expected} == expected
    assert "weight_kg" in expected or "weight_kg" not in args


def test_a_price_said_with_its_word_changes_the_quoted_price() -> None:
    """"what if it is worth 7000" after a quote: the new price, though a price was said before."""
    from agents.skills.shipping_quote import fill as ship_fill

    before = SkillContext("c-0001", "creator", {"destination": "Agra", "weight_kg": 1.0,
                                                "declared_price": 2000.0})
    assert ship_fill(parse("and what if it is worth 7000"), before) == {"declared_price": 7000}
