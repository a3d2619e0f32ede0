"""What the voice says on its own account, in the listener's language.

The assistant writes replies; these are the few things the voice layer says itself: the spoken
guide a creator gets on asking for help (property 26: voice help in the preferred language),
what it says when it heard nothing or too much, and the spoken half of a critical action's
notification (property 27). English and Hindi are written out in full; the spoken guide is also
written for the other languages the marketplace's creators registered with (Urdu, Tamil,
Telugu, Odia, Kannada, Gujarati, Marathi, Bengali); Kashmiri speakers get the Urdu guide (no
espeak-ng voice speaks Kashmiri). Anything else falls back to English.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

LANGUAGES = ("en", "hi", "ur", "ta", "te", "or", "kn", "gu", "mr", "bn")
# A language with no words of its own here borrows a neighbour's.
_BORROW = {"ks": "ur"}

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "guide": ("You can talk to me. Say: show my pending orders; suggest a fair price for my "
                  "saree; forecast demand for my pottery; or change the price of a product. "
                  "Tap the microphone, or use hands-free mode and just speak."),
        "no_speech": ("Sorry, I couldn't make out any words. Please try again, a little closer "
                      "to the microphone, or type your message."),
        "too_long": ("That was longer than I can listen to at once. Please say it in shorter "
                     "parts."),
        "price_changed": "The price of {title} is now {new} rupees; it was {old} rupees.",
    },
    "hi": {
        "guide": ("आप मुझसे बात कर सकते हैं। कहिए: मेरे बाकी ऑर्डर दिखाओ; मेरी साड़ी का सही दाम "
                  "बताओ; मेरे बर्तनों की माँग का अनुमान लगाओ; या किसी उत्पाद का दाम बदलो। "
                  "माइक्रोफ़ोन दबाइए, या हैंड्स-फ़्री मोड में सीधे बोलिए।"),
        "no_speech": ("माफ़ कीजिए, मुझे कोई शब्द समझ नहीं आया। कृपया माइक्रोफ़ोन के पास "
                      "आकर फिर से बोलिए, या अपना संदेश लिखिए।"),
        "too_long": "यह एक बार में सुनने के लिए बहुत लंबा था। कृपया छोटे हिस्सों में कहिए।",
        "price_changed": "{title} का दाम अब {new} रुपये है; पहले {old} रुपये था।",
    },
}

_GUIDES = {
    "ur": "آپ مجھ سے بات کر سکتے ہیں۔ کہیے: میرے باقی آرڈر دکھاؤ، یا میری چیز کی صحیح قیمت بتاؤ۔",
    "ta": "நீங்கள் என்னிடம் பேசலாம். சொல்லுங்கள்: என் நிலுவையில் உள்ள ஆர்டர்களைக் காட்டு, "
          "அல்லது என் பொருளுக்கு சரியான விலை சொல்.",
    "te": "మీరు నాతో మాట్లాడవచ్చు. చెప్పండి: నా పెండింగ్ ఆర్డర్లు చూపించు, "
          "లేదా నా వస్తువుకు సరైన ధర చెప్పు.",
    "or": "ଆପଣ ମୋ ସହିତ କଥା ହୋଇପାରିବେ। କୁହନ୍ତୁ: ମୋର ବାକି ଅର୍ଡର ଦେଖାଅ, "
          "କିମ୍ବା ମୋ ଜିନିଷର ଠିକ୍ ଦାମ କୁହ।",
    "kn": "ನೀವು ನನ್ನೊಂದಿಗೆ ಮಾತನಾಡಬಹುದು. ಹೇಳಿ: ನನ್ನ ಬಾಕಿ ಆರ್ಡರ್‌ಗಳನ್ನು ತೋರಿಸು, "
          "ಅಥವಾ ನನ್ನ ವಸ್ತುವಿಗೆ ಸರಿಯಾದ ಬೆಲೆ ಹೇಳು.",
    "gu": "તમે મારી સાથે વાત કરી શકો છો. કહો: મારા બાકી ઓર્ડર બતાવો, "
          "અથવા મારી વસ્તુની સાચી કિંમત કહો.",
    "mr": "तुम्ही माझ्याशी बोलू शकता. सांगा: माझ्या बाकी ऑर्डर दाखव, "
          "किंवा माझ्या वस्तूची योग्य किंमत सांग.",
    "bn": "আপনি আমার সঙ্গে কথা বলতে পারেন। বলুন: আমার বাকি অর্ডার দেখাও, "
          "অথবা আমার জিনিসের ঠিক দাম বলো।",
}
for _code, _guide in _GUIDES.items():
    _TEXT[_code] = {**_TEXT["en"], "guide": _guide}

_HELP = re.compile(
    r"\b(help|what can you do|how (do|does) (this|it|i) work|guide me|madad|sahayata)\b"
    r"|मदद|सहायता|क्या कर सकते|مدد",
    re.IGNORECASE,
)


def language_of(code: str | None) -> str:
    """The phrase book's language for a language code (``hi-IN`` → ``hi``; unknown → ``en``)."""
    base = (code or "en").split("-")[0].split("_")[0].lower()
    base = _BORROW.get(base, base)
    return base if base in _TEXT else "en"


def say(key: str, language: str | None, **values: Any) -> tuple[str, str]:
    """The phrase ``key`` in ``language`` (or English) and the language it is in."""
    lang = language_of(language)
    return _TEXT[lang][key].format(**values), lang


def asks_for_help(text: str) -> bool:
    """Whether an utterance asks how to use the assistant ("help", "मदद", …)."""
    return bool(_HELP.search(unicodedata.normalize("NFC", text or "")))


def say_in(key: str, language: str | None, **values: Any) -> tuple[str, str]:
    """Like :func:`say`, but the language returned is the one the words are written in."""
    text, lang = say(key, language, **values)
    if lang != "en" and _TEXT[lang][key] == _TEXT["en"][key]:
        lang = "en"
    return text, lang


def script_of(text: str, language: str | None) -> str:
    """The voice to read ``text`` with.

    ``language`` when the text is in that language's script (Latin counts for English only), else
    ``en``.
    """
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    if not letters or latin * 2 >= len(letters) or not language:
        return "en"
    return language
