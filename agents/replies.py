"""The language of a reply, and the dialogue acts' words in English and Hindi.

A reply is written in the message's language when it is clear (Devanagari or Hinglish is
Hindi; English words are English), else in the language the session already speaks, else in
the profile's preferred language (creators are stored with ``hi``). Dialogue acts (ask for a
slot, confirm, refuse, fall back, small talk) have a template per language here; each skill
says its own results in both.
"""

from __future__ import annotations

import re

from agents.nlu.hindi import is_hindi

LANGUAGES = ("en", "hi")
_ENGLISH_WORD = re.compile(r"\b[a-z]{2,}\b")
_NOT_WORDS = re.compile(r"\b(?:[cbpok]|img|up)-[0-9a-f]+\b|\b\d+(?:\.\d+)?\s*(?:k|kg|g|km)?\b")


def detect(text: str) -> str | None:
    """``"hi"`` or ``"en"`` when the message shows its language.

    ``None`` when it does not (an id, a number, "ok").
    """
    if is_hindi(text):
        return "hi"
    words = _ENGLISH_WORD.findall(_NOT_WORDS.sub(" ", text.lower()))
    return "en" if len(words) >= 2 or any(len(w) > 3 for w in words) else None


def choose(text: str, session: str | None, preferred: str | None) -> str:
    """The reply language for ``text``: its own, else the session's, else the profile's."""
    said = detect(text)
    if said:
        return said
    for lang in (session, preferred):
        if lang in LANGUAGES:
            return str(lang)
    return "en"


# Dialogue acts. ``{…}`` fields are filled by the caller.
_ACTS: dict[str, dict[str, str]] = {
    "dropped": {"en": "Okay, I've dropped that.", "hi": "ठीक है, मैंने वह रद्द कर दिया।"},
    "not_understood": {"en": "Sorry, I'm not sure what you mean. {can}",
                       "hi": "माफ़ कीजिए, मैं समझ नहीं पाया। {can}"},
    "cannot_yet": {"en": "I can't {what} yet.", "hi": "मैं अभी {what} नहीं कर सकता।"},
    "forbidden": {
        "en": "Sorry, only {allowed} can {what}; as {role} you can't. {can}",
        "hi": "माफ़ कीजिए, {what} केवल {allowed} कर सकते हैं, {role} के रूप में आप नहीं। {can}",
    },
    "out_of_scope": {"en": "Sorry, I don't know about that; it's outside what I can help with. "
                           "{can}",
                     "hi": "माफ़ कीजिए, मुझे इसकी जानकारी नहीं है; इसमें मैं मदद नहीं कर सकता। {can}"},
    "greet": {"en": "Namaste! {can}", "hi": "नमस्ते! {can}"},
    "thanks": {"en": "You're welcome! Anything else?", "hi": "आपका स्वागत है! और कुछ?"},
    "goodbye": {"en": "Goodbye, and happy crafting!", "hi": "नमस्ते, फिर मिलेंगे!"},
    "help": {"en": "{can}", "hi": "{can}"},
    "affirm": {"en": "Okay. What would you like to do?", "hi": "ठीक है। आप क्या करना चाहेंगे?"},
    "deny": {"en": "Alright. Anything else I can help with?",
             "hi": "ठीक है। और किसी चीज़ में मदद करूँ?"},
    "refused": {"en": "I can't do that: {reason}. Nothing was changed.",
                "hi": "यह मैं नहीं कर सकता: {reason}। कुछ नहीं बदला।"},
    "price_from_to": {"en": "{new} (now {old})", "hi": "{new} (अभी {old})"},
    "price_jump": {"en": "⚠ That is {ratio}× the current price; please check it is not a typo.",
                   "hi": "⚠ यह मौजूदा दाम का {ratio} गुना है; कृपया जाँच लें।"},
    "declined": {"en": "Okay, I have not done that. Nothing was changed.",
                 "hi": "ठीक है, मैंने वह नहीं किया। कुछ नहीं बदला।"},
    "confirm": {"en": "Shall I run {name} ({args})? (yes/no)",
                "hi": "क्या मैं {name} ({args}) चलाऊँ? (हाँ/नहीं)"},
    "confirm_price": {"en": "Change the price of {product} to {price}? (yes/no)",
                      "hi": "{product} का दाम {price} कर दूँ? (हाँ/नहीं)"},
    "confirm_publish": {"en": "Publish {listing}{at}? Buyers will see it at once. (yes/no)",
                        "hi": "{listing}{at} प्रकाशित कर दूँ? ख़रीदार इसे तुरंत देखेंगे। (हाँ/नहीं)"},
    "error_forbidden": {"en": "Sorry, you can't do that: {message}.",
                        "hi": "माफ़ कीजिए, आप यह नहीं कर सकते: {message}।"},
    "error_not_found": {"en": "I couldn't find that: {message}.",
                        "hi": "मुझे वह नहीं मिला: {message}।"},
    "error_place": {"en": "I don't know that place.{hint}", "hi": "मैं वह जगह नहीं पहचानता।{hint}"},
    "error_place_hint": {"en": " Did you mean {names}?", "hi": " क्या आपका मतलब {names} था?"},
    "error_other": {"en": "That didn't work: {message}.", "hi": "यह नहीं हो पाया: {message}।"},
    "done": {"en": "Done.", "hi": "हो गया।"},
}

ROLE_NAMES = {
    "en": {"creator": "creators", "buyer": "buyers", "admin": "admins",
           "heritage_reader": "heritage readers"},
    "hi": {"creator": "कारीगर", "buyer": "ख़रीदार", "admin": "एडमिन",
           "heritage_reader": "धरोहर पाठक"},
}
ROLE_NAME = {
    "en": {"creator": "a creator", "buyer": "a buyer", "admin": "an admin",
           "heritage_reader": "a heritage reader"},
    "hi": {"creator": "कारीगर", "buyer": "ख़रीदार", "admin": "एडमिन",
           "heritage_reader": "धरोहर पाठक"},
}

# What each tool does, as the end of "I can …" (capabilities) and "only … can …" (refusals).
TOOL_PHRASES: dict[str, dict[str, str]] = {
    "list_orders": {"en": "show your orders", "hi": "आपके ऑर्डर दिखाना"},
    "search_products": {"en": "find crafts near a place", "hi": "किसी जगह के पास शिल्प ढूँढना"},
    "update_price": {"en": "change a listing's price", "hi": "किसी सामान का दाम बदलना"},
    "golden_price": {"en": "suggest a fair price", "hi": "सही दाम सुझाना"},
    "demand_forecast": {"en": "forecast demand", "hi": "माँग का अनुमान लगाना"},
    "heritage_lookup": {"en": "tell you about a craft's heritage",
                        "hi": "किसी शिल्प की विरासत बताना"},
    "shipping_quote": {"en": "quote shipping", "hi": "भेजने का ख़र्च बताना"},
    "production_plan": {"en": "plan a production run", "hi": "उत्पादन की योजना बनाना"},
    "inventory_health": {"en": "check your stock", "hi": "आपका स्टॉक जाँचना"},
    "consolidation_plan": {"en": "combine orders into fewer parcels",
                           "hi": "ऑर्डर मिलाकर कम पार्सल में भेजना"},
    "fraud_check": {"en": "check a seller for fraud", "hi": "किसी विक्रेता की धोखाधड़ी जाँचना"},
    "image_theft_check": {"en": "check a photo for theft", "hi": "फ़ोटो की चोरी जाँचना"},
    "analyze_authenticity": {"en": "check how handmade a piece looks",
                             "hi": "जाँचना कि सामान कितना हाथ का बना है"},
    "craft_clusters": {"en": "show craft clusters", "hi": "शिल्प क्लस्टर दिखाना"},
    "heritage_trail": {"en": "plan a heritage trail", "hi": "हेरिटेज ट्रेल बनाना"},
    "recommend_similar": {"en": "suggest similar pieces", "hi": "मिलते-जुलते सामान सुझाना"},
    "create_listing": {"en": "list a new piece for sale", "hi": "नया सामान बिक्री के लिए डालना"},
    "publish_listing": {"en": "publish a listing", "hi": "लिस्टिंग प्रकाशित करना"},
}
_CAPABILITY_ORDER = ("list_orders", "search_products", "update_price", "golden_price",
                     "demand_forecast", "heritage_lookup", "shipping_quote")

# Questions for missing arguments, in Hindi (the English ones live with each skill).
SLOT_QUESTIONS_HI: dict[str, str] = {
    "category": "यह किस तरह का सामान है: साड़ी, मटका, पीतल का दीया, पेंटिंग?",
    "materials": "यह किस चीज़ से बना है (जैसे रेशम, सूती, पीतल, मिट्टी, लकड़ी)?",
    "weight_kg": "इसका वज़न कितना है? किलो में बताइए, जैसे '2 किलो'।",
    "production_hours": "इसे बनाने में कितने घंटे लगे? जैसे '40 घंटे'।",
    "product_id": "कौन-सा सामान? उसका id बताइए, जैसे p-00012।",
    "new_price": "नया दाम कितना रखना है?",
    "destination": "कहाँ भेजना है? शहर का नाम बताइए।",
    "origin": "कहाँ से भेजा जाएगा? बनाने वाले का शहर बताइए।",
    "declared_price": "सामान की कीमत कितनी है?",
    "planned_quantity": "कितने बनाने की सोच रहे हैं?",
    "unit_cost": "एक बनाने में कितनी लागत आती है?",
    "seller_id": "किस विक्रेता की जाँच करनी है? उसका id बताइए, जैसे c-0042।",
    "images": "फ़ोटो भेजिए (अपलोड id या img-… key)।",
    "image": "कौन-सी फ़ोटो? अपलोड id या img-… key बताइए।",
    "question": "आप क्या जानना चाहते हैं?",
    "location": "कौन-सी जगह? शहर या राज्य का नाम बताइए।",
    "region": "कौन-सा इलाका? राज्य या शहर बताइए।",
    "horizon_days": "कितने समय का अनुमान चाहिए, जैसे 'अगले तीन महीने'?",
    "start": "कहाँ से शुरू करना है?",
}


def act(key: str, lang: str, **fields: str) -> str:
    """The dialogue act ``key`` in ``lang`` (English when that language has no template)."""
    templates = _ACTS[key]
    return templates.get(lang, templates["en"]).format(**fields).strip()


def capabilities(tools: list[str], lang: str = "en") -> str:
    """One sentence of what the assistant can do with ``tools`` (the caller's role's tools)."""
    can = [TOOL_PHRASES[t][lang] for t in _CAPABILITY_ORDER if t in tools]
    if len(can) < 3:
        can += [TOOL_PHRASES[t][lang] for t in TOOL_PHRASES if t in tools and
                TOOL_PHRASES[t][lang] not in can][: 4 - len(can)]
    if not can:
        return ""
    if lang == "hi":
        listed = ", ".join(can[:-1]) + (f" या {can[-1]}" if len(can) > 1 else can[0])
        return f"मैं {listed} में मदद कर सकता हूँ।"
    listed = ", ".join(can[:-1]) + (f" or {can[-1]}" if len(can) > 1 else can[0])
    return f"I can {listed}."


def ask(slot: str, english: str, lang: str) -> str:
    """The question for a missing ``slot`` in ``lang``."""
    if lang == "hi":
        return SLOT_QUESTIONS_HI.get(slot, f"{slot.replace('_', ' ')} बताइए।")
    return english
