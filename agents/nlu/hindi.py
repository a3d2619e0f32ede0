"""Hindi (Devanagari) and Hinglish (Hindi in Latin letters) turned into plain English words.

The planner's classifier and slot extractors read English; rather than a second grammar, a
Hindi or Hinglish message is glossed word by word into the English the extractors know
("मिट्टी का गमला, तीन किलो, आठ घंटे, दाम?" → "clay planter , 3 kg , 8 hours , price ?").
Three steps: every word to a canonical Hinglish spelling (Devanagari by the lexicon, else
transliterated; Hindi number words to digits, dedh/dhai/sawa/saadhe too), postpositional
phrases to English word order ("Agra ke paas" → "near Agra", "500 se kam" → "under 500"),
then each canonical word to its English gloss. English messages are returned unchanged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from domain.devanagari import transliterate

if TYPE_CHECKING:
    from domain.places import Place

# One row per Hinglish word: its English gloss ("" drops it), then other spellings, Latin or
# Devanagari. The gloss is what the extractors and classifier understand.
_LEXICON: tuple[tuple[str, str, str], ...] = (
    # function words
    ("ke", "", "की के का ka ki kaa kee k"),
    ("hai", "", "है hain हैं he h"),
    ("ho", "", "हो"),
    ("tha", "", "था थी थे thi the"),
    ("ko", "", "को"),
    ("ne", "", "ने"),
    ("ji", "", "जी jee"),
    ("bhai", "", "भाई bhaiya भैया"),
    ("wala", "", "वाला वाले वाली wale wali waala waale"),
    ("aur", "and", "और or"),
    ("bhi", "also", "भी"),
    ("ye", "this", "यह ये yeh yah is"),
    ("wo", "that", "वह वो woh vo voh"),
    ("uska", "its", "उसका उसकी उसके uski uske iska iski iske इसका इसकी इसके"),
    ("unka", "their", "उनका उनकी उनके unki unke unaki unake इनका इनकी इनके inka inki inke inaka"),
    ("jitna", "all", "जितना जितने जितनी jitne jitni jitane"),
    ("usko", "it", "उसको उसे use isko इसको इसे"),
    ("mera", "my", "मेरा मेरी मेरे meri mere mra"),
    ("mujhe", "i want", "मुझे mujhko"),
    ("main", "i", "मैं mai mein_i"),
    ("hum", "we", "हम"),
    ("hamara", "our", "हमारा हमारी हमारे hamare"),
    ("aap", "you", "आप"),
    ("apna", "my", "अपना अपनी अपने apni apne"),
    ("kya", "what", "क्या kyaa"),
    ("kaun", "which", "कौन kon koun kaunse kaunsa konsa konse kaunsi konsi कौनसे कौनसा"),
    ("jo", "", "जो"),
    ("agar", "if", "अगर"),
    ("toh", "then", "तो tho"),
    ("hota", "is", "होता होती होते hoti hote"),
    ("milake", "together", "मिलाके मिलाकर milakar milaake"),
    ("samjhao", "explain", "समझाओ समझाइए समझाइये samjhaiye samjha samjhado"),
    ("sa", "", "सा"),
    ("gae", "", "गए गई गया gaye gaya gayi"),
    ("hona", "", "होना"),
    ("aega", "", "आएगा आएगी aayega ayega aayegi"),
    ("aata", "", "आता आती aati"),
    ("kaise", "how", "कैसे kese kaisa कैसा kaisi कैसी"),
    ("kab", "when", "कब"),
    ("kahan", "where", "कहाँ कहां kaha kahaan"),
    ("kyun", "why", "क्यों kyon kyu"),
    ("kitna", "how much", "कितना कितनी कितने kitni kitne ktna kitnaa ktne ktni kitne_"),
    ("nahi", "not", "नहीं nahin nai na"),
    ("haan", "yes", "हाँ हां ha haa han"),
    ("theek", "okay", "ठीक thik"),
    ("accha", "okay", "अच्छा acha achha"),
    ("sirf", "only", "सिर्फ़ सिर्फ केवल bas बस keval"),
    ("sab", "all", "सब सारे sare saare sabhi सभी"),
    ("koi", "any", "कोई"),
    ("kuch", "some", "कुछ"),
    ("naya", "new", "नया नई नए nayi naye nai"),
    ("purana", "old", "पुराना पुरानी पुराने purani purane"),
    ("agla", "next", "अगला अगले अगली agle agli"),
    ("pichhla", "last", "पिछला पिछले पिछली pichle pichli"),
    ("pehla", "first", "पहला पहले पहली pehle pehli pahla pahle"),
    ("dusra", "second", "दूसरा दूसरी दूसरे doosra dusri dusre"),
    ("teesra", "third", "तीसरा तीसरी तीसरे tisra teesre tisre teesri"),
    ("jaisa", "like", "जैसा जैसी जैसे jaise jaisi"),
    ("aaj", "today", "आज"),
    ("kal", "tomorrow", "कल"),
    ("abhi", "now", "अभी"),
    ("bahut", "very", "बहुत bohot bahot bhut bht"),
    ("zyada", "more", "ज़्यादा ज्यादा jyada adhik अधिक"),
    ("kam", "less", "कम"),
    ("sasta", "cheap", "सस्ता सस्ती saste sasti"),
    ("mehenga", "expensive", "महंगा महँगा महंगी महँगी महंगे महँगे mehnga mahanga mehngi mahangi "
     "mehenge mehengi mahange"),
    ("itna", "so", "इतना इतनी इतने itni itne itani"),
    ("accha_", "good", "badhiya बढ़िया"),
    ("se", "from", "से"),
    ("me", "in", "में mein mai_in"),
    ("par", "on", "पर pe पे"),
    ("tak", "to", "तक"),
    ("paas", "near", "पास pas pass"),
    ("andar", "within", "अंदर भीतर"),
    ("beech", "between", "बीच bich"),
    ("liye", "for", "लिए liya"),
    ("saath", "with", "साथ sath"),
    ("upar", "above", "ऊपर oopar"),
    ("neeche", "under", "नीचे niche"),
    # verbs and requests
    ("dikhao", "show", "दिखाओ दिखाइए दिखाइये दिखा dikha dikhaiye dikhado dikhaao dikhana"),
    ("batao", "tell", "बताओ बताइए बताइये बता bata bataiye batado btao bataao batana बताना"),
    ("karo", "do", "करो करें करिए kar कर karna करना kijiye कीजिए karde karo_do kardo"),
    ("do", "give", "दो दे दीजिए de dijiye dena देना"),
    ("chahiye", "want", "चाहिए chaiye chahie chahta chahti चाहता चाहती chahte"),
    ("hoga", "will be", "होगा होगी होंगे hogi honge"),
    ("rahega", "will be", "रहेगा रहेगी rahegi"),
    ("lagega", "will cost", "लगेगा लगेगी lagegi lagenge लगेंगे"),
    ("lage", "took", "लगे लगा लगी laga lagi lagta लगता lagti लगती lagte लगते lge lgi lga"),
    ("bhejna", "ship", "भेजना भेजनी भेजने bhejni bhejne bhej भेज bhejo भेजो bheju bhejun "
     "bhejoon भेजूं भेजूँ bhejenge भेजेंगे bhejdo bhejde bhejiye भेजिए"),
    ("bechna", "sell", "बेचना बेचूं बेचूँ bechu bechun bechoon beche बेचे बेचनी बेचने bechni bechne "
     "bechungi bechunga bechenge बेचूँगी बेचूँगा बेचेंगे "
     "bechani"),
    ("kharidna", "buy", "खरीदना खरीदनी kharid खरीद kharidni"),
    # "ek saree leni hai": to buy; "jaipur se mangwani hai": to have it sent
    ("lena", "buy", "लेना लेनी लेने leni lene lunga lungi loonga लूंगा लूँगा लूंगी"),
    ("mangwana", "ship", "मंगवाना मंगवानी मंगवाने मंगाना मंगवाओ mangwani mangwane mangana "
     "mangwao mangao"),
    ("mehnat", "work", "मेहनत mehnath"),
    ("mazdoor", "workers", "मज़दूर मजदूर majdoor mazdur"),
    ("sakta", "can", "सकता सकती सकते sakti sakte skta skte"),
    ("sajawat", "decor", "सजावट sajavat"),
    ("milega", "available", "मिलेगा मिलेगी milegi milta मिलता milti मिलती mile मिले mil मिल"),
    ("banana", "make", "बनाना बनानी बनाने banao बनाओ banani banane banaun बनाऊं बनाऊँ banau "
     "banaoon banate बनाते banati बनाती"),
    ("bunna", "weave", "बुनना बुनने bunne bunane बुनाना bunni बुननी bunu bunoo बुनूँ बुनूं"),
    ("nikalna", "tell", "निकालना निकालो निकालिए nikalo nikalna nikalana"),
    # "ek piece 90 ka padta hai": what one piece costs to make
    ("padta", "costs", "पड़ता पड़ती पड़ते padti padte padega padegi"),
    # "stock me 40 pade hai": pieces lying unsold
    ("pade", "lying", "पड़े पड़ी pari padi padey"),
    ("bana", "made", "बना बनी बने bani bane banaya बनाया banta banti bante banata बनता बनती बनते"),
    ("lagana", "invest", "लगाना लगाने लगानी lagane lagani"),
    ("paisa", "money", "पैसा पैसे paise"),
    ("rakhna", "set", "रखना रखूं रखूँ rakhu rakhun rakho रखो rakhe रखे"),
    ("badalna", "change", "बदलना बदलो badlo badal बदल बदलनी बदलने बदल_दो badlani badalni badalne"),
    ("jaanch", "check", "जांच जाँच janch"),
    ("check", "check", "चेक"),
    ("dekho", "check", "देखो देखिए dekhiye dekh देख"),
    ("bhav", "price", "भाव"),
    ("soch", "thinking", "सोच सोचा"),
    ("vichar", "thinking", "विचार"),
    ("yojana", "plan", "योजना"),
    ("anuman", "forecast", "अनुमान"),
    ("punji", "capital", "पूँजी पूंजी poonji"),
    ("godam", "stock", "गोदाम godown"),
    ("bachat", "savings", "बचत"),
    ("fayda", "benefit", "फायदा फ़ायदा faayda phayda"),
    ("zaroori", "necessary", "ज़रूरी जरूरी zaruri jaruri jaroori"),
    ("gi", "GI", "जीआई जी.आई."),  # "जीआई टैग": the GI tag
    ("tag", "tag", "टैग"),
    ("ikattha", "together", "इकट्ठा ikatha ikaththa"),
    ("karke", "", "करके karake"),
    ("prakashit", "publish", "प्रकाशित"),
    ("chalu", "live", "चालू"),
    ("sahi", "fair", "सही"),
    ("vazan", "weight", "वज़न वजन wazan vajan wajan"),
    ("shadi", "wedding", "शादी shaadi"),
    ("tyohar", "festival", "त्योहार त्यौहार tyohaar"),
    ("buni", "woven", "बुनी बुना buna"),
    ("lagat", "cost", "लागत laagat"),
    ("kharcha", "cost", "खर्चा खर्च kharch"),
    ("daam", "price", "दाम dam daam_"),
    ("keemat", "price", "कीमत क़ीमत kimat"),
    ("rate", "price", "रेट"),
    ("mulya", "price", "मूल्य"),
    ("bikri", "sales", "बिक्री"),
    ("maang", "demand", "माँग मांग mang"),
    ("dimand", "demand", "डिमांड"),
    ("sujhav", "suggest", "सुझाव"),
    # marketplace words
    ("order", "order", "ऑर्डर आर्डर ordar"),
    ("orders", "orders", "ऑर्डरों आर्डरों"),
    ("saman", "items", "सामान samaan maal माल"),
    ("cheez", "item", "चीज़ चीज cheej chiz"),
    ("dukaan", "shop", "दुकान dukan"),
    ("dukaanen", "shops", "दुकानें दुकानों dukanen dukane dukano dukaane"),
    ("hastshilp", "handicrafts", "हस्तशिल्प हस्तशिल्पों hastshilpa hastashilp"),
    ("pramanikta", "authenticity", "प्रामाणिकता pramaanikta pramanikata"),
    ("parcel", "parcel", "पार्सल"),
    ("stock", "stock", "स्टॉक"),
    ("inventory", "inventory", "इन्वेंटरी इनवेंटरी"),
    ("pending", "pending", "पेंडिंग लंबित lambit"),
    ("shipped", "shipped", "भेजे भेजा भेजी"),
    # future tense: a parcel that will arrive ("kitne din me pahunchegi"), not one delivered
    ("pahunchega", "arrive", "pahunchegi pahunchenge pahuchega pahuchegi pahuchenge पहुँचेगा "
     "पहुँचेगी पहुँचेंगे पहुंचेगा पहुंचेगी पहुंचेंगे"),
    ("pahuncha", "delivered", "पहुंचा पहुँचा पहुंचे pahunche pahunchi पहुँच पहुंच pahunch pahuch "
     "पहुँचे पहुँची"),
    ("courier", "courier", "कूरियर कुरियर"),
    ("radd", "cancelled", "रद्द"),
    ("list", "list", "लिस्ट suchi सूची"),
    ("photo", "photo", "फोटो फ़ोटो"),
    ("tasveer", "photo", "तस्वीर"),
    ("chori", "stolen", "चोरी"),
    ("nakli", "fake", "नकली"),
    ("asli", "authentic", "असली"),
    ("dhokha", "fraud", "धोखा धोखाधड़ी dhokhadhadi"),
    ("vikreta", "seller", "विक्रेता"),
    ("karigar", "artisan", "कारीगर karigaron कारीगरों"),
    ("bunkar", "weaver", "बुनकर bunkaron बुनकरों"),
    ("shilp", "craft", "शिल्प"),
    ("kala", "art", "कला"),
    ("kalayen", "crafts", "कलाएँ कलाएं कलाओं kalaen kalaon kalayein"),
    ("shahar", "town", "शहर शहरों shehar sheher shaher"),
    ("aaspaas", "near", "आसपास aas-paas"),
    ("aas", "", "आस"),
    ("itihas", "history", "इतिहास"),
    ("kahani", "story", "कहानी"),
    ("parampara", "tradition", "परंपरा"),
    ("matlab", "meaning", "मतलब arth अर्थ"),
    # care, motifs and stitches: words of the heritage notes' questions
    ("lagao", "set", "लगाओ लगा_दो lagado lagaao"),
    ("rangi", "painted", "रंगी रंगा रंगे रंगीन rangeen rangin"),
    ("lamba", "long", "लंबा लंबी लंबे लम्बा लम्बी lambi lambe"),
    ("chauda", "wide", "चौड़ा चौड़ी चौड़े chaudi chaude"),
    ("centimeter", "cm", "सेंटीमीटर सेमी सेंटीमीटर sentimitar"),
    ("chhatri", "umbrellas", "छतरी छतरियाँ छतरियां chhatriyan chatri chhatriya chatriyan"),
    ("gadbad", "fishy", "गड़बड़ गड़बड़ी garbar gadbadi gadbar garbari gadbadh"),
    ("sach", "genuinely", "सच सच्चा सच्ची sacch sachme"),
    ("dhona", "wash", "धोना धोएँ धोएं धोयें धोते धोती धुलाई dhoen dhoyen dhulai dhote dhoye"),
    ("sambhalna", "store", "संभालना सँभालें संभालें sambhalen"),
    ("ghar", "home", "घर"),
    ("bindi", "dots", "बिंदी बिंदियाँ बिंदियां बिंदु बिन्दु bindiyan bindiyaan bindu"),
    ("lakeer", "lines", "लकीर लकीरें लकीरों lakiren lakeeren lakir"),
    ("tarah", "kinds", "तरह तरह-तरह"),
    ("taanka", "stitches", "टाँका टांका टाँके टांके टाँकों tanke taanke tanka"),
    ("fark", "difference", "फ़र्क फर्क farak antar अंतर अन्तर"),
    ("pehchan", "tell", "पहचान पहचानें पहचाने पहचानूं पहचानूँ pahchan pehchane pahchane pehchanen "
     "pahchanen pehchanu pehchaane"),
    ("janjati", "tribe", "जनजाति जनजातियों adivasi आदिवासी"),
    ("juda", "associated", "जुड़ी जुड़ा जुड़े judi jude juri"),
    ("kaam", "work", "काम"),
    ("kaala", "black", "काला काली काले kali kaale"),
    ("cluster", "clusters", "क्लस्टर"),
    ("gaon", "villages", "गांव गाँव"),
    ("heritage", "heritage", "हेरिटेज"),
    ("trail", "trail", "ट्रेल"),
    ("rasta", "route", "रास्ता"),
    ("milne", "visit", "मिलने milna मिलना"),
    ("ghoomna", "visit", "घूमना ghumna"),
    ("barf", "snow", "बर्फ़ बर्फ barf_"),
    ("train", "train", "ट्रेन tren रेलगाड़ी"),
    ("jata", "goes", "जाता जाती jati jaata jaati"),
    ("roz", "daily", "रोज़ रोज roj rozana"),
    ("kagaz", "paper", "कागज़ कागज kaagaz kagaj पेपर"),
    ("prakritik", "natural", "प्राकृतिक"),
    ("rang", "colours", "रंग रंगों rangon"),
    ("khatam", "endangered", "खत्म ख़त्म lupt लुप्त luptapray luptpray लुप्तप्राय खतरे ख़तरे"),
    ("tohfa", "gift", "तोहफ़ा तोहफा तोहफ़े तोहफे tohfe"),
    ("haath", "hand", "हाथ hath"),
    ("handmade", "handmade", "हैंडमेड"),
    ("sona", "gold", "सोना सोने sone"),
    ("chandi", "silver", "चांदी चाँदी chaandi chandee"),
    ("quartz", "quartz", "क्वार्ट्ज़ क्वार्ट्ज kvartz"),
    ("pital", "brass", "पीतल peetal"),
    ("tamba", "copper", "तांबा ताँबा tambe tambe ताँबे तांबे"),
    ("mitti", "clay", "मिट्टी"),
    ("lakdi", "wood", "लकड़ी lakri"),
    ("resham", "silk", "रेशम रेशमी reshmi"),
    ("sooti", "cotton", "सूती suti kapas कपास"),
    ("kaanch", "glass", "कांच काँच kanch"),
    ("sangmarmar", "marble", "संगमरमर"),
    ("patthar", "stone", "पत्थर"),
    ("chamda", "leather", "चमड़ा chamde चमड़े"),
    ("baans", "bamboo", "बांस बाँस bans"),
    ("taad", "palm", "ताड़ ताड"),
    ("patta", "leaf", "पत्ता पत्ते पत्तों"),
    ("taadpatra", "palm leaf", "ताड़पत्र ताड़पत्रों tadpatra talapatra"),
    ("oon", "wool", "ऊन ऊनी ooni"),
    ("kapda", "fabric", "कपड़ा kapde कपड़े कपड़ों kapdon kapdo"),
    ("hathkargha", "handloom", "हथकरघा hathkargha"),
    ("shunya", "zero", "शून्य shuny"),
    # English words of the trade written in Devanagari
    ("draft", "draft", "ड्राफ्ट ड्राफ़्ट"),
    ("live", "live", "लाइव"),
    ("listing", "listing", "लिस्टिंग"),
    ("publish", "publish", "पब्लिश"),
    ("custom", "custom", "कस्टम kastam"),
    ("sandal", "sandals", "सैंडल सैंडिल sandal"),
    ("dhyan", "keep in mind", "ध्यान"),
    ("samay", "when", "समय"),
    ("bhar", "", "भर"),
    ("yatra", "trail", "यात्रा yaatra"),
    ("samooh", "cluster", "समूह samuh"),
    ("deliver", "delivered", "डिलीवर"),
    ("hue", "", "हुए हुआ हुई hua hui"),
    ("saree", "saree", "साड़ी साड़ियाँ साड़ियां साड़ियों sadi saadi sariyan sariyon sadiyan sadiyon"),
    ("bada", "bigger", "बड़ा बड़ी बड़े badi bade bara"),
    ("badhana", "increase", "बढ़ा बढ़ाओ बढ़ाना बढ़ा_दो badha badhao badhado badhana"),
    ("stole", "stole", "स्टोल स्टोलें stol"),
    ("dupatta", "dupatta", "दुपट्टा दुपट्टे dupatte dupatton दुपट्टों"),
    ("shawl", "shawl", "शॉल शाल"),
    ("kurta", "kurta", "कुर्ता कुर्ते kurte kurton"),
    ("chadar", "bedsheet", "चादर"),
    ("gamla", "planter", "गमला गमले gamle"),
    ("matka", "pot", "मटका मटके matke"),
    ("diya", "diya", "दीया दिया दीये diye"),
    ("thali", "plate", "थाली"),
    ("katora", "bowl", "कटोरा कटोरी"),
    ("dibba", "box", "डिब्बा डिब्बे"),
    ("khilona", "toy", "खिलौना खिलौने khilone"),
    ("khilaunon", "toys", "खिलौनों khilono"),
    ("gudiya", "doll", "गुड़िया"),
    ("haathi", "elephant", "हाथी"),
    ("tokri", "basket", "टोकरी"),
    ("tokriyan", "baskets", "टोकरियाँ टोकरियां टोकरियों tokriyon"),
    ("gahna", "jewellery", "गहना गहने गहनों gahne gehne gahnon"),
    ("ghanti", "bell", "घंटी ghanti"),
    ("ghantiyan", "bells", "घंटियाँ घंटियां घंटियों ghantiya"),
    ("phooldan", "vase", "फूलदान phuldan phooldaan"),
    ("kushan", "cushion", "कुशन"),
    ("kavar", "cover", "कवर"),
    ("jodi", "pair", "जोड़ी jori"),
    ("chatai", "mat", "चटाई"),
    ("jhoomar", "chandelier", "झूमर jhumar"),
    ("chudi", "bangles", "चूड़ी चूड़ियाँ chudiyan choodi chudiyon chudiya चूड़ियों"),
    ("haar", "necklace", "हार"),
    ("jhumka", "earrings", "झुमका झुमके jhumke"),
    ("chappal", "chappal", "चप्पल"),
    ("joota", "jutti", "जूता जूती jutti"),
    ("lamp", "lamp", "लैंप"),
    ("painting", "painting", "पेंटिंग"),
    ("chitrakala", "painting", "चित्रकला chitra चित्र चित्रों chitron"),
    ("pottery", "pottery", "पॉटरी पोटरी"),
    ("blue", "blue", "ब्लू"),
    ("nakkashi", "carving", "नक्काशी"),
    ("kadhai", "embroidery", "कढ़ाई kadhaai"),
    ("bunai", "weaving", "बुनाई"),
    ("chhapai", "block print", "छपाई"),
    ("murti", "idol", "मूर्ति"),
    ("murtiyan", "idols", "मूर्तियाँ मूर्तियां मूर्तियों murtiyan murtiyon murtiya"),
    ("dhatu", "metal", "धातु dhaatu"),
    ("wahi", "the same", "वही vahi wohi vohi"),
    ("phone", "phone", "फोन फ़ोन"),
    ("battery", "battery", "बैटरी"),
    # units and time
    ("kilo", "kg", "किलो kg kilo_ किलोग्राम kilogram"),
    ("gram", "grams", "ग्राम"),
    ("ghante", "hours", "घंटे घंटा घण्टे ghanta ghante_ ghanton घंटों ghnte ghnta ghante__"),
    ("din", "days", "दिन dino दिनों"),
    ("hafte", "weeks", "हफ़्ते हफ्ते हफ्ता हफ़्ता hafta"),
    ("mahine", "months", "महीने महीना mahina mahino महीनों"),
    ("saal", "years", "साल varsh वर्ष"),
    ("km", "km", "किलोमीटर kilometre_"),
    ("rupaye", "rupees", "रुपये रुपए रुपया rupay rupaiye rs_"),
    ("piece", "piece", "पीस"),
    # out of scope words that must stay visible
    ("barish", "rain", "बारिश baarish"),
    ("mausam", "weather", "मौसम"),
    ("taapmaan", "temperature", "तापमान"),
    ("score", "score", "स्कोर"),
    ("match", "match", "मैच"),
    ("chutkula", "joke", "चुटकुला"),
    ("gaana", "song", "गाना gana"),
    ("recharge", "recharge", "रिचार्ज"),
    ("mobile", "mobile", "मोबाइल"),
    ("youtube", "youtube", "यूट्यूब"),
    ("chalate", "use", "चलाते chalana चलाना"),
    ("mandir", "temple", "मंदिर मन्दिर"),
    ("khulta", "open", "खुलता खुलती खुलेगा khulti khulata khulega"),
    # more of what a marketplace assistant declines, so that it stays visible in the gloss
    ("sunao", "tell", "सुनाओ सुनाइए सुनाइये sunaiye sunado"),
    ("naukri", "job", "नौकरी naukari nokri"),
    ("dawai", "medicine", "दवाई दवा dawa dawaai davai dava"),
    ("bukhar", "fever", "बुखार bukhaar"),
    ("ilaj", "treatment", "इलाज ilaaj"),
    ("bimari", "illness", "बीमारी beemari bimaari"),
    ("kundli", "horoscope", "कुंडली kundali rashifal राशिफल"),
    ("khana", "food", "खाना khaana"),
    ("karz", "loan", "क़र्ज़ कर्ज़ कर्ज karza karja lon लोन"),
    ("bima", "insurance", "बीमा"),
    ("byaj", "interest", "ब्याज"),
    ("natija", "result", "नतीजा nateeja parinam परिणाम रिज़ल्ट रिजल्ट"),
    ("pariksha", "exam", "परीक्षा एग्ज़ाम एग्जाम"),
    ("chunav", "election", "चुनाव chunaav"),
    ("khabar", "news", "ख़बर खबर khabren khabrein समाचार samachar"),
    ("petrol", "petrol", "पेट्रोल"),
    ("diesel", "diesel", "डीज़ल डीजल"),
    ("film", "movie", "फ़िल्म फिल्म filam"),
    ("ticket", "ticket", "टिकट tikat tikit"),
    ("flight", "flight", "फ्लाइट फ़्लाइट"),
    ("hotel", "hotel", "होटल"),
    ("cricket", "cricket", "क्रिकेट"),
    ("bank", "bank", "बैंक"),
    ("sarkar", "government", "सरकार sarkaar"),
    ("jeeta", "won", "जीता जीती जीतेगा जीतेगी jita jeeti jiti jeetega jitega jeetegi"),
    ("airport", "airport", "एयरपोर्ट एअरपोर्ट"),
    ("taxi", "taxi", "टैक्सी"),
    ("kiraya", "fare", "किराया kiraaya"),
    ("station", "station", "स्टेशन steshan"),
    ("biryani", "biryani", "बिरयानी biriyani"),
    ("samosa", "samosa", "समोसा समोसे"),
    ("paneer", "paneer", "पनीर"),
    ("mithai", "sweets", "मिठाई"),
    ("paan", "paan", "पान"),
    # marketplace words and verbs that had no row
    ("grahak", "customer", "ग्राहक"),
    ("grahakon", "customers", "ग्राहकों grahako"),
    ("bikna", "sell", "बिकना बिक bik बिकेगा बिकेगी बिकेंगे bikega bikegi bikenge बिकता बिकती बिकते "
     "bikta bikti bikte बिका बिकी bika biki"),
    ("mila", "got", "मिला मिली mili"),
    ("kiya", "", "किया किए kiye"),  # "carve kiya": done, the verb before says what
    ("jayega", "", "जाएगा जाएगी जाएंगे jaega jayegi jaegi jayenge jaenge jaayega jaaega"),
)

# Spellings of the words above as people type Hindi on WhatsApp: vowels doubled or dropped
# ("chaiye", "btao", "nhi"), v for w ("vala"), j for z ("hajar"), the polite and future forms of
# verbs ("bhijwaiye", "bhejunga", "banwana"). Every one is Hindi only (no English word), so each
# also marks a message as Hinglish.
_VARIANTS: dict[str, str] = {
    # verbs
    "bhejna": "bhijwana bhijwa bhijwao bhijwaiye bhijwani bhijwane bhijwado bhejwana bhejwa "
              "bhejwao bhejwani bhejwane bhejega bhejegi bhejunga bhejungi bhejoge bhejdijiye "
              "bhejdena bhejiyega bhejte bhejta bhejti bhejdiya bhijva bhijvana bhijvao "
              "भिजवाना भिजवाओ भिजवाइए भिजवाने भिजवानी भेजवाना भेजेगा भेजेगी भेजूंगा भेजूँगा भेजूंगी",
    "shipped": "bheja bheji",
    "banana": "banaye banaiye banaaye banaoo banado banwana banwaya banwao banwani banwane "
              "banvana banva banwa banwai banaunga banaungi banayenge banaenge banayein banaen "
              "banaega banayega बनवाना बनवाओ बनवाया बनाएं बनाएँ बनाए बनाइए बनाऊंगा बनाऊँगा",
    "bana": "banega banegi banenge banai bnaya बनेगा बनेगी बनेंगे बनाई",
    "kharidna": "kharidne kharidu kharidun kharidunga kharidungi खरीदने खरीदूं खरीदूँ",
    "bechna": "bech becha bechi bechta bechti bechte bechiye bechoge bechogi becho "
              "bechdo bechde बेच बेचा बेची बेचता बेचती बेचते बेचो बेचिए",
    "chahiye": "chaye chahiyee chaahiye chahiya chaiyee chhaiye chahiy chahye chaiya chaiyea "
               "chahiyae cahiye chahiyein चाहिये चाहिएं",
    "dikhao": "dikhaye dikhaeye dikhaaiye dikhlao dikhla dikhlaiye dikhayiye dikhaiyega dikhaoo "
              "dikhaa dikhade dikhaana दिखाना दिखाएं दिखाएँ दिखलाओ",
    "dekho": "dekhna dekhni dekhne dekhe dekhu dekhun dekhte dekhiyega dekhlo dekhlijiye "
             "देखना देखनी देखने देखें देखूं देखूँ देखलो",
    "batao": "batayiye bataye batayen bataen btana bataa bta btado btaiye batai batlao batlaiye "
             "bataiyega bataoge batade btaye बताएं बताएँ बताइयेगा बतलाओ",
    "milega": "milenge milte milegaa milengi मिलेंगे",
    "lagega": "lgega lgegi lagegaa",
    "lage": "lagg lgta lgti lgte",
    "karo": "kariye karein krdo krna krni kro kariyega kardijiye kijie कीजिये करिये",
    # question words
    "kya": "kia kyaaa",
    "kitna": "kitny kitana kitane kitani kitno kitnay kitnee",
    "kahan": "kidhar kidar kahaa",
    "kab": "kb kabb",
    "kaise": "kesa kesi kaese kaisey kaisay kase",
    "kaun": "kis kisko kise kaunsey kisse किस किसको किसे",
    "kyun": "kyo kyoun",
    # postpositions and particles
    "tak": "tk tlak",
    "se": "sey",
    "me": "mei",
    "wala": "vala vale vali valo walo waali walon vaala vaale vaali",
    "hai": "hein hy hae hei",
    "nahi": "nhi nhin nahee nahii nahiin nhee nae",
    "bahut": "bohat bhot bahoot",
    "zyada": "jyaada zyaada jada jiyada",
    "accha": "acchha achcha",
    "theek": "thk theekh",
    "abhi": "abi abhee",
    "saath": "sathe",
    # time words
    "mahine": "maheena maheene mahinon mahinay",
    "hafte": "hapta hapte hafton haftey",
    "din": "dinon",
    "saal": "saalon salon",
    # money
    "rupaye": "rupye rupiya rupaiya rupya rupiye rupae ruppe रूपये रूपए",
    # marketplace nouns
    "daam": "daamo daamon",
    "keemat": "kimmat keemath kemat",
    "bhav": "bhaav bhao",
    "order": "odar ordr aurdar",
    "saman": "samman",
    "dukaan": "dukkan dukaann",
}

# Number words (Hindi and Hinglish); halves and quarters are prefixes.
_NUMBERS = {
    "ek": 1, "एक": 1, "do": 2, "दो": 2, "teen": 3, "तीन": 3, "char": 4, "chaar": 4, "चार": 4,
    "paanch": 5, "panch": 5, "pach": 5, "पाँच": 5, "पांच": 5,
    "chhe": 6, "che": 6, "chah": 6, "छह": 6, "छः": 6,
    "saat": 7, "सात": 7, "aath": 8, "आठ": 8, "nau": 9, "नौ": 9, "das": 10, "दस": 10,
    "gyarah": 11, "ग्यारह": 11, "barah": 12, "baarah": 12, "बारह": 12, "terah": 13, "तेरह": 13,
    "chaudah": 14, "चौदह": 14, "pandrah": 15, "pandreh": 15, "पंद्रह": 15, "solah": 16, "सोलह": 16,
    "satrah": 17, "सत्रह": 17, "atharah": 18, "अठारह": 18, "unnis": 19, "उन्नीस": 19,
    "bees": 20, "bis": 20, "बीस": 20, "pachees": 25, "pachchis": 25, "पच्चीस": 25,
    "tees": 30, "तीस": 30, "paintees": 35, "पैंतीस": 35, "chaalis": 40, "chalis": 40, "चालीस": 40,
    "paintalis": 45, "पैंतालीस": 45, "pachaas": 50, "pachas": 50, "पचास": 50, "saath_": 60,
    "साठ": 60, "sattar": 70, "सत्तर": 70, "assi": 80, "अस्सी": 80, "nabbe": 90, "नब्बे": 90,
    "aadha": 0.5, "adha": 0.5, "aadhi": 0.5, "आधा": 0.5, "आधी": 0.5,
    "dedh": 1.5, "derh": 1.5, "डेढ़": 1.5, "डेढ": 1.5, "dhai": 2.5, "dhaai": 2.5, "ढाई": 2.5,
    "darjan": 12, "दर्जन": 12,
}
# Every number from 21 to 99 has its own word in Hindi ("बाईस" 22, "छब्बीस" 26, "पचपन" 55):
# each in Devanagari (with its common spellings) and in Latin letters, so "बाईस सौ" is 2200.
_TWO_DIGIT_WORDS = (
    (21, "इक्कीस", "ikkis ikkees"), (22, "बाईस बाइस", "bais baais baees"),
    (23, "तेईस तेइस", "teis teees"), (24, "चौबीस", "chaubis chaubees chobis"),
    (25, "पच्चीस पचीस", "pachis pachees pachchis pacchis"), (26, "छब्बीस", "chhabbis chabbis"),
    (27, "सत्ताईस सत्ताइस", "sattais sataees"), (28, "अट्ठाईस अठ्ठाईस अट्ठाइस", "atthais athais"),
    (29, "उनतीस", "untis untees"), (30, "तीस", "tees"), (31, "इकतीस इकत्तीस", "iktis ikattis"),
    (32, "बत्तीस", "battis battees"), (33, "तैंतीस तेंतीस", "taintis tentees"),
    (34, "चौंतीस चौतीस", "chauntis chontis"), (35, "पैंतीस पैन्तीस", "paintis paintees"),
    (36, "छत्तीस", "chhattis chattis"), (37, "सैंतीस", "saintis saintees"),
    (38, "अड़तीस अड़तिस", "adtis adtees"), (39, "उनतालीस", "untalis untalees"),
    (40, "चालीस", "chalis chaalis chalees"), (41, "इकतालीस", "iktalis"),
    (42, "बयालीस बियालीस", "bayalis biyalis"), (43, "तैंतालीस तेंतालीस", "taintalis tentalis"),
    (44, "चवालीस चौवालीस", "chavalis chauvalis"), (45, "पैंतालीस", "paintalis"),
    (46, "छियालीस", "chhiyalis chiyalis"), (47, "सैंतालीस", "saintalis"),
    (48, "अड़तालीस", "adtalis artalis"), (49, "उनचास", "unchas"), (50, "पचास", "pachas pachaas"),
    (51, "इक्यावन", "ikyavan ikyawan"), (52, "बावन", "bavan bawan"), (53, "तिरेपन तिरपन", "tirepan"),
    (54, "चौवन चौव्वन", "chauvan chauwan"), (55, "पचपन", "pachpan"),
    (56, "छप्पन", "chhappan chappan"),
    (57, "सत्तावन", "sattavan sattawan"), (58, "अट्ठावन अठ्ठावन", "atthavan athawan"),
    (59, "उनसठ", "unsath"), (60, "साठ", ""), (61, "इकसठ", "iksath"), (62, "बासठ", "basath baasath"),
    (63, "तिरेसठ तिरसठ", "tiresath"), (64, "चौंसठ चौसठ", "chaunsath chausath"),
    (65, "पैंसठ", "painsath"), (66, "छियासठ", "chhiyasath chiyasath"), (67, "सड़सठ", "sadsath"),
    (68, "अड़सठ", "adsath"), (69, "उनहत्तर", "unhattar"), (70, "सत्तर", "sattar"),
    (71, "इकहत्तर", "ikhattar"), (72, "बहत्तर", "bahattar"), (73, "तिहत्तर", "tihattar"),
    (74, "चौहत्तर", "chauhattar"), (75, "पचहत्तर", "pachhattar pachattar"),
    (76, "छिहत्तर", "chhihattar"), (77, "सतहत्तर", "sathattar"), (78, "अठहत्तर", "athhattar"),
    (79, "उनासी उन्यासी", "unasi"), (80, "अस्सी", "assi"), (81, "इक्यासी", "ikyasi"),
    (82, "बयासी", "bayasi"), (83, "तिरासी", "tirasi"), (84, "चौरासी", "chaurasi"),
    (85, "पचासी", "pachasi"), (86, "छियासी", "chhiyasi"), (87, "सत्तासी", "sattasi"),
    (88, "अट्ठासी अठ्ठासी", "atthasi"), (89, "नवासी", "navasi"), (90, "नब्बे", "nabbe"),
    (91, "इक्यानबे इक्यानवे", "ikyanbe"), (92, "बानबे बानवे", "banbe"),
    (93, "तिरानबे तिरानवे", "tiranbe"), (94, "चौरानबे चौरानवे", "chauranbe"),
    (95, "पचानबे पचानवे", "pachanbe"), (96, "छियानबे छियानवे", "chhiyanbe"),
    (97, "सत्तानबे सत्तानवे", "sattanbe"), (98, "अट्ठानबे अट्ठानवे", "atthanbe"),
    (99, "निन्यानबे निन्यानवे", "ninyanbe"),
)
for _value, _devanagari, _latin in _TWO_DIGIT_WORDS:
    for _form in (*_devanagari.split(), *_latin.split()):
        _NUMBERS.setdefault(_form, _value)
_SCALE_WORDS = {"sau": "hundred", "सौ": "hundred", "hazaar": "thousand", "hazar": "thousand",
                "hajar": "thousand", "hajaar": "thousand", "hazzar": "thousand",
                "hzar": "thousand", "हज़ार": "thousand", "हजार": "thousand",
                "lakh": "lakh", "lakhs": "lakh", "lac": "lakh", "lacs": "lakh", "laakh": "lakh",
                "लाख": "lakh", "crore": "crore", "karod": "crore", "करोड़": "crore"}
# A prefix that adds to (or takes from) the number after it: "sawa do" 2.25, "saadhe teen" 3.5.
_OFFSETS = {"sawa": 0.25, "sava": 0.25, "सवा": 0.25, "saadhe": 0.5, "sadhe": 0.5, "saade": 0.5,
            "sade": 0.5, "साढ़े": 0.5, "साढे": 0.5, "paune": -0.25, "पौने": -0.25}
# Units an offset may stand before alone: "sawa kilo" is 1.25 kg, "saadhe ghante" 1.5 hours.
_OFFSET_UNITS = frozenset({"kilo", "gram", "ghante", "din", "hafte", "mahine", "saal", "km"})
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
# Words only Hindi written in Latin letters uses (English ones like "me", "do", "to" left out).
_HINGLISH_MARKERS = frozenset(
    "hai hain kya mera meri mere mujhe karo kardo batao dikhao chahiye kitna kitne kitni ka ki ke "
    "ko se mein nahi nahin haan ji wala wale wali aur kaise kab kahan lagega bhejna hoga hogi "
    "daam rakhu rakhna bechu banana banaun ghante kilo_ lagat liye paas tak beech andar ye yeh "
    "kaun konsa kaunsa abhi aaj kal apna apni apne hamara uska uske iska saman samaan maal "
    "pital mitti lakdi wahan yahan bhi sirf bas jaldi zyada kam sasta mehenga milega milta "
    "dijiye kijiye bataiye dikhaiye hafte mahine saal din karigar chori nakli asli tha thi "
    "sawa saadhe dedh dhai aadha paune ghante ghanta lagi lage kitne daal dalo wahi "
    "dusra pehla pehle wale agle pichle chahti chahta chahte hu hoon hun karna karni raha rahi "
    "rahe dena dijiye lagega kitne kaunsi konsi wali batana dikhana sau hazaar hazar rupaye "
    "rupay ek teen paanch saat aath kaunse konse hue hua gaye gae padta padti pade saade sade "
    "sadhe sava roz agar toh ghnte lge bhut kitnaa ktna bheju bhejni bik bikega bikta sunao "
    "naukri dawai dawa kundli khana karza bima natija chunav khabar sarkar grahak mila mili "
    "jayega jaega".split()
) | frozenset(
    # verbs, question words and particles of the lexicon in their other spellings
    "aata aati aayega aayegi ayega aega accha acha achha adhik agla agli bachat badal badalna "
    "badhiya badlo bahot bahut bana banane banani banao banaoon banata banate banati banau "
    "banaya bane bani banta bante banti bata bataao batado bechani beche bechenge bechna "
    "bechne bechni bechoon bechun bechunga bechungi bhej bhejde bhejdo bhejenge bhejiye bhejne "
    "bhejo bhejoon bhejun bht bich bika bikegi bikenge biki bikna bikri bikte bikti btao "
    "chahie chaiye dekh dekhiye dekho dikha dikhaao dikhado dino doosra dukaan dukan dusre "
    "dusri farak fark gayi ghanton hafta hamare hona honge hota hote hoti itna itne itni itani "
    "jaata jaati jaisa jaise jaisi jata jati jayegi jayenge jaegi jaenge jitna jitne jitni "
    "kaha kahaan kaisa kaisi kaam karke karake karde kese keval kharcha kharch kharid "
    "kharidna kon koun kuch koi kyaa kyon kyu kyun laga lagana lagane lagani lagegi lagenge "
    "lagta lagte lagti lga lgi liya mahina mahino mausam mehnga mehngi mahanga milake milakar "
    "milne milna milti milegi mujhko naya naye nayi neeche niche pahla pahle pehli pichhla "
    "pichli purana purane purani rahega rahegi rakhe rakho rakhun saare sare sabhi saath sath "
    "sahi samjhao samjhaiye saste sasti soch tho theek thik teesra tisra unka unke unki uski "
    "usko iske iski isko voh woh waala waale kiya kiye karz karja bimari naukari nokri jaanch "
    "janch keemat kimat vazan wajan vajan wazan maang pahunch pahuncha pahunchega pahunchegi "
    "pahunche khulta khulega sunaiye mandir tyohar shadi shaadi barish baarish lagao lagado "
    "lagaao raste rastey".split()
) | frozenset(f for forms in _VARIANTS.values() for f in forms.split() if f.isascii())


@lru_cache(maxsize=1)
def _canonical() -> dict[str, str]:
    """Every spelling (Latin or Devanagari) → its canonical Hinglish word."""
    table: dict[str, str] = {}
    for word, _, others in _LEXICON:
        for form in (word, *others.split(), *_VARIANTS.get(word, "").split()):
            table.setdefault(form.rstrip("_"), word)
    return table


@lru_cache(maxsize=1)
def latin_words() -> frozenset[str]:
    """Every Hinglish word the lexicon knows, in Latin script (never a typing slip)."""
    table = _canonical()
    words = {w for w in table if w.isascii()} | {w for w in table.values() if w.isascii()}
    return frozenset(words | {w for w in _HINGLISH_MARKERS if w.isascii()} | set(_NUMBERS)
                     | set(_SCALE_WORDS) | set(_OFFSETS))


@lru_cache(maxsize=1)
def _glosses() -> dict[str, str]:
    return {word: gloss for word, gloss, _ in _LEXICON}


# -- detection -----------------------------------------------------------------------------
_WORD = re.compile(r"[a-z]+-[a-z0-9]+|[\u0900-\u0963\u0966-\u097f]+|[a-z]+|\d+(?:\.\d+)?|\S")


def is_devanagari(text: str) -> bool:
    """Whether the text is mostly written in Devanagari."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(_DEVANAGARI.match(c)) for c in letters) >= len(letters) / 3


# Hindi pairs of words that are English alone: "k pass" (near), "kar do", "bhej do" (do it).
_HINGLISH_PAIRS = re.compile(r"\b(?:k|ke)\s+(?:pass|pas|liye|sath|baad)\b"
                             r"|\b(?:kar|bhej|de|bata|dikha|bana)\s+(?:do|de|dena)\b"
                             # "799 me", "500 tak", "2 kilo ka": an amount and a postposition
                             r"|\b\d[\d,.]*\s+(?:me|mein|tak|wala|wali|vala|vali)\b")


def hinglish_score(text: str) -> int:
    """How many words (or pairs of English-looking words) only Hindi in Latin letters uses."""
    lowered = text.lower()
    words = sum(1 for w in re.findall(r"[a-z]+", lowered) if w in _HINGLISH_MARKERS)
    return words + len(_HINGLISH_PAIRS.findall(lowered))


def is_hindi(text: str) -> bool:
    """Whether the message is Hindi.

    Devanagari, or Hinglish with two or more Hindi-only words (one is enough in a very short
    message: "pital ka diya").
    """
    if is_devanagari(text):
        return True
    words = re.findall(r"[a-z]+", text.lower())
    score = hinglish_score(text)
    return score >= 2 or (score == 1 and len(words) <= 3)


# -- glossing ------------------------------------------------------------------------------
def _tokens(text: str) -> list[str]:
    # "३०,०००" and "30,000" are one number: grouping commas go before the text is split
    text = _GROUPED.sub("", text.lower().translate(_DEVANAGARI_DIGITS))
    return _WORD.findall(text)


_GROUPED = re.compile(r"(?<=\d),(?=\d{2,3}\b)")


def _numbers(tokens: list[str]) -> list[str]:
    """Hindi number words to digits: "do kilo" 2, "dedh sau" 150, "sawa teen" 3.25."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        offset = _OFFSETS.get(tok)
        if offset is not None and nxt in _SCALE_WORDS:  # "sawa sau" 125, "paune hazaar" 750
            out.extend((f"{1 + offset:g}", _SCALE_WORDS[nxt]))
            i += 2
            continue
        if offset is not None and nxt in _OFFSET_UNITS:  # "sawa kilo" 1.25 kg
            out.append(f"{1 + offset:g}")
            i += 1
            continue
        if offset is not None and (nxt in _NUMBERS or re.fullmatch(r"\d+", nxt)):
            base = _NUMBERS.get(nxt) or float(nxt)
            out.append(f"{base + offset:g}")
            i += 2
            continue
        if tok == "saath" and _number_context(tokens, i):  # "saath rupaye" 60; else "with"
            out.append("60")
        elif tok in _NUMBERS and not (tok == "do" and not _number_context(tokens, i)):
            out.append(f"{_NUMBERS[tok]:g}")
        elif tok in _SCALE_WORDS and out and re.fullmatch(r"[\d.]+", out[-1]):
            out.append(_SCALE_WORDS[tok])
        elif _SCALE_WORDS.get(tok) in ("hundred", "thousand"):
            out.extend(("1", _SCALE_WORDS[tok]))  # "hazaar ka": a thousand
        else:
            out.append(tok)
        i += 1
    return out


def _number(word: str) -> float:
    """A Hindi number word or digits as a number ("do" 2, "4" 4)."""
    word = word.lower()
    return float(_NUMBERS[word]) if word in _NUMBERS else float(word)


def number_word(word: str) -> float | None:
    """The value of one Hindi number word ("do" 2, "पाँच" 5, "dedh" 1.5), ``None`` for others."""
    value = _NUMBERS.get(word.lower())
    return None if value is None else float(value)


def _number_context(tokens: list[str], i: int) -> bool:
    """"do" is two before a unit or a scale ("do kilo", "do sau"); otherwise it is "give"."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    units = {"kilo", "kg", "gram", "ghante", "din", "hafte", "mahine", "saal", "sau", "hazaar",
             "hazar", "lakh", "km", "rupaye", "piece"}
    return _canonical().get(nxt, nxt) in units or nxt in _SCALE_WORDS


_PHRASES = (
    # "agle mahine", "is saal", "pichle hafte": one period, said as English says it
    (re.compile(r"\b(agla|ye|pichhla)\s+mahine\b"), r"\1 month"),
    (re.compile(r"\b(agla|ye|pichhla)\s+hafte\b"), r"\1 week"),
    (re.compile(r"\b(agla|ye|pichhla)\s+saal\b"), r"\1 year"),
    # "mila ke", "mila kar bhejo": together; "nahi bik raha": not selling
    (re.compile(r"\b(?:mila|milega)\s+(?:ke|karo|karke)\b"), "together"),
    (re.compile(r"\bbikna\s+(?:raha|rahi|rahe)\b"), "selling"),
    # "jaipur ke aaspaas 50 km ke andar": within 50 km of Jaipur (not "about 50")
    (re.compile(r"\b([a-z]+)\s+(?:ke\s+)?(?:aaspaas|aas\s+paas|paas)\s+(\d[\d.]*\s+km)\s+"
                r"(?:ke\s+)?(?:andar|tak|me|bhitar)\b"), r"within \2 of \1"),
    (re.compile(r"\b(?!(?:aur|and|to|toh|bas|sirf|ab|ise|isko|ko|se|me|tak|ka|ki|ke)\b)"
                r"([a-z]+)\s+(?:ke\s+)?(\d[\d.]*\s+km)\s+(?:ke\s+)?(?:andar|tak|paas)"),
     r"within \2 of \1"),
    # "har saree 3200 mein padti hai": each piece costs that much to make
    (re.compile(r"\bhar\s+(?:ek\s+)?([a-z]+)\s+(\d[\d.]*)\s+(?:rupaye\s+)?(?:me\s+|ka\s+|ke\s+)?"
                r"(?:padt[aie]|padeg[aie]|lagt[aie]|lagega|banta|banti)\b"), r"\1 cost \2 each"),
    # "ek ki lagat 500": the cost of one piece
    (re.compile(r"\b1\s+(?:ke\s+)?(?:lagat|kharcha|daam|cost|kimat|keemat)\b"), "per piece cost"),
    # "per pair 650 lagta hai": each costs that much
    (re.compile(r"\b(?:per|har|prati)\s+(?:[a-z]+\s+)?(\d[\d.]*)\s+(?:rupaye\s+)?(?:ka\s+|ki\s+)?"
                r"(?:lagt[aie]|lagte|lage|padt[aie]|pade|padega|lagega)\b"), r"cost \1 each"),
    # "550 ka ek padta hai": one piece costs that much
    (re.compile(r"\b(\d[\d.]*)\s+(?:rupaye\s+)?(?:ka|ki|ke|me|mein)\s+1\s+(?:padt[aie]|pade|"
                r"padega|lagt[aie]|lagega|banta|banti)\b"), r"cost \1 each"),
    # "ek piece 90 ka padta hai", "ek piece assi rupaye ka", "ek ka teen sau": one piece's cost
    (re.compile(r"\b(\d[\d.]*)\s+(?:rupaye\s+)?(?:ke\s+|me\s+)?padta\b"), r"cost \1 each"),
    (re.compile(r"\b1\s+piece\s+(?=cost\b)"), ""),
    # "ek diya 12 rupaye ka padta hai" (now "1 diya cost 12 each"): one piece, not a batch of one
    (re.compile(r"\b1\s+(?!kilo|kg|gram|ghante|meter|din\b)([a-z]+)\s+(?=cost\b)"), r"\1 "),
    (re.compile(r"\b1\s+(?:piece\s+|ke\s+)(\d[\d.]*)\b"), r"per piece cost \1"),
    # "ek saree banane me 2500 lagte hai", "450 ki ek jodi padti hai": what one piece costs
    (re.compile(r"\b1\s+([a-z]+)\s+(?:[a-z]+\s+){0,2}?(\d[\d.]*)\s+(?:rupaye\s+)?"
                r"(?:ka\s+|ki\s+|ke\s+|me\s+)?(?:padt[aie]|lagt[aie]|lagte|lagate|lage|"
                r"kharcha|lagat)\b"), r"\1 cost \2 each"),
    (re.compile(r"\b(\d[\d.]*)\s+(?:rupaye\s+)?(?:ka|ki|ke|me)\s+1\s+([a-z]+)\s+"
                r"(?:padt[aie]|lagt[aie]|lagte|lagate|lage)\b"), r"\2 cost \1 each"),
    # "100 bedsheet banau 400 ki lagat pe": made at that cost each
    (re.compile(r"\b(\d[\d.]*)\s+(?:rupaye\s+)?(?:ki|ka|ke)\s+(?:lagat|laagat|kharcha|kharche)\s+"
                r"(?:pe|par|me|mein)\b"), r"at cost \1 each"),
    # "180 lagat ek ki", "90 kharcha ek ka": what one piece costs
    (re.compile(r"\b(\d[\d.]*)\s+(?:rupaye\s+)?(?:lagat|kharcha|cost)\s+1\s+(?:ki|ka|ke)\b"),
     r"cost \1 each"),
    # "raste me hai", "रास्ते में": on the way
    (re.compile(r"\b(?:raste|rastey|rasta)\s+me\b"), "on the way"),
    # "799 me lagao", "p-00123 ko 1500 par rakho": set the price to that much
    (re.compile(r"(?<![\w-])(\d[\d.]*)\s+(?:rupaye\s+)?(?:me|par)\s+(?:lagao|lagado|laga do|rakhna|"
                r"kar do|kardo|karo|set)\b"), r"set price to \1"),
    # "जाने वाली बस", "bus ka kiraya": the bus, not "only"
    (re.compile(r"\b(jane|jaane|aane|chalne|wala|sarkari|volvo|sleeper|ac)\s+sirf\b"), r"\1 bus"),
    (re.compile(r"\bsirf\s+(?=(?:ka|ki|ke|se)\s+(?:kiraya|ticket|time|timing|samay|safar)\b|"
                r"(?:stand|adda|stop|station|ticket)\b)"), "bus "),
    # "ek banarasi saree dalni hai", "शॉल डालना है": a piece to put up for sale
    (re.compile(r"\b(?:daalna|dalna|dalni|daalni|daalne|dalne|dalana|dalani)\s*"
                r"(?:(?:hai|he|h|hain)\b|(?=[,.!]|$))"), "want to list it for sale"),
    # "850 mein daal do": put the piece up for sale at that price
    (re.compile(r"(?<![\w-])(\d[\d.]*)\s+(?:rupaye\s+)?(?:me|par|pe)\s+(?:daal|daalo|dal|dalo|"
                r"chadha|chadhao)\b"), r"list it for sale for \1"),
    # "1200 me bech do", "800 rupaye mein": for that much money, not 1200 inches ("p-00357 में"
    # is the draft, not a price)
    (re.compile(r"(?<![\w-])(\d[\d.]*)\s+(rupaye\s+)?me\b"), r"for \1 \2"),
    # "dukaan me lagana hai", "online daal do", "app pe chadha do": put it up for sale
    (re.compile(r"\b(dukaan|online|website|app|site|store)\s+(?:me|pe|par|on|in)?\s*"
                r"(?:lagana|lage|lagao|lagado|lagani|daalna|dalna|daal|daalo|dal|chadha|chadhana|"
                r"chadhao|upload)\b(?!\s+(?:paisa|paise|rupaye))"), r"list it for sale on the \1"),
    # "kitne din lagenge", "kitne din me pahunchegi": a number of days, not an amount of money
    (re.compile(r"\bkitna\s+(din|hafte|mahine|ghante|saal)\s+(?:me\s+)?(?:lagega|lage)\b"),
     r"how many \1 will it take"),
    (re.compile(r"\bkitna\s+(din|hafte|mahine|ghante|saal|piece)\b"), r"how many \1"),
    # "kitne baje khulta hai": at what time, not how much
    (re.compile(r"\bkitna\s+baje\b"), "what time"),
    (re.compile(r"\b(how many (?:din|hafte))\s+(?:me\s+)?pahunchega\b"), r"\1 to arrive"),
    # "ek saath bheju", "sab milake": together, in all
    (re.compile(r"\b1\s+saath\b"), "together"),
    (re.compile(r"\bsab\s+milake\b"), "in all"),
    # "kitna time lagega": how long, not how much money
    (re.compile(r"\bkitna\s+(?:time|samay|der)\s+(?:lagega|lage)\b"), "how long will it take"),
    # "ship ho gaye", "deliver ho gae abhi tak": a status, said as a verb
    (re.compile(r"\b(?:ship|bhejna|dispatch|courier)\s+(?:ho\s+|die\s+|diye\s+|diya\s+|do\s+)?gae\b"),
     "shipped"),
    # "jo bhej diye", "dispatch kar diye": sent already
    (re.compile(r"\b(?:bhejna|dispatch)\s+(?:kar\s+)?(?:diya|die|diye|chuka|chuke)\b"), "shipped"),
    # "jo abhi taiyar ho rahe hain", "तैयार हो रही है": being made
    (re.compile(r"\b(?:taiyar|tayyar|taiyaar|tayar)\s+(?:ho\s+|kiya\s+ja\s+|kar\s+)?"
                r"(?:raha|rahe|rahi)\b"), "being made"),
    # "jo abhi ban rahe hain", "बन रही है": being made, an order's status said as a verb
    (re.compile(r"\b(?:ban|bana)\s+(?:raha|rahe|rahi)\b"), "being made"),
    (re.compile(r"\b(?:deliver|pahuncha)\s+(?:ho\s+)?gae\b"), "delivered"),
    (re.compile(r"\babhi\s+tak\b"), "so far"),
    # "kam se kam 85", "कम से कम": at least; "90 se kam nahi": not less than 90
    (re.compile(r"\bkam\s+se\s+kam\b"), "at least"),
    (re.compile(r"(?<![\w-])(\d[\d.]*)\s+se\s+kam\s+(?:nahi|nahin|na)\b"), r"at least \1"),
    # "60 din se zyada": longer than, not a price above
    (re.compile(r"(\d[\d.]*)\s+(din|hafte|mahine|saal)\s+(?:se\s+)?(?:zyada|upar)(?:\s+se)?\b"),
     r"more than \1 \2"),
    # "jitne bhi order": all the orders ("bhi" is no order status)
    (re.compile(r"\bjitna\s+bhi\b"), "all"),
    # "ye kahan se aaya", "kaise milega": a craft's origin, how to get something
    (re.compile(r"\bkahan\s+se\s+(?:aaya|aayi|aaye|aata|aati|shuru)\b"), "where did it originate"),
    (re.compile(r"\bkaise\s+milega\b"), "how to get"),
    # "kaise pehchane", "kaise dhoye", "kaise saaf kare": how to (tell, wash, clean) — a how-to
    # question, as the knowledge base's guides are found
    (re.compile(r"\bkaise\s+(?=(?:pehchan|dhona|dhoye|dhoyen|saaf|rakh\w*|pack|karu|kare|karna|"
                r"bech\w*|sikh\w*|check|jaane|jaanch\w*|janch\w*)\b)"), "how to "),
    # "pehle se pade hai": already in stock
    (re.compile(r"\bpehla\s+se\b"), "already"),
    # "mere paas 10 shawl hai": pieces in hand, not money (that is "mere paas 35000")
    (re.compile(r"\b(?:mera\s+)?paas\s+(?:me\s+)?(\d{1,3})\s+(?!rupaye|km|hai\b|he\b)"
                r"(?=[a-z])"), r"have \1 "),
    # "mere paas 35 hazaar hai", "paas me 50000 rupaye": money in hand is the capital
    (re.compile(r"\b(?:mera\s+)?paas\s+(?:me\s+)?(\d[\d.]*)(?![\d.])(?!\s*km\b)"),
     r"capital \1"),
    # "shadi ke mausam" is the wedding season, not the weather
    (re.compile(r"\b(shadi|tyohar)\s+(?:ke\s+)?mausam\b"), r"\1 season"),
    # "jo confirm nahi hue", "कन्फर्म नहीं हुए": not confirmed yet, i.e. pending
    (re.compile(r"\b(?:confirm|kanpharm|kanfarm|kanfirm)\s+(?:hi\s+|bhi\s+)?(?:nahi|na)\b"),
     "not confirmed"),
    # "मिलते-जुलते", "milti julti": alike, similar ("iske jaise" is already "like")
    (re.compile(r"\b(?:milega|milate|milati|milte|milti|milta)\s*-?\s*(?:julate|julati|julte|julti|"
                r"julta|julata)\b"), "similar"),
    # "isi type ka aur kuch", "usi tarah ke": more of the same kind, similar
    (re.compile(r"\b(?:isi|usi|isee|usee)\s+(?:type|tarah|tarha|prakar|design|style|jaisa)\b"),
     "similar"),
    # "cancel wale", "jo cancel kiye", "कैंसल हुए": cancelled orders
    (re.compile(r"\b(?:cancel|kainsal|kensal|cancal)\s+(?:hue|hua|ho|gae|wala|kiya|kar\s+diya|"
                r"kar\s+die)\b"), "cancelled"),
    # "15000 se 30000 ke beech" → between 15000 and 30000
    (re.compile(r"(\d[\d.]*)\s+(?:rupaye\s+)?se\s+(\d[\d.]*)\s+(?:rupaye\s+)?(?:ke\s+|ka\s+)?beech"),
     r"between \1 and \2"),
    # "1000 se 2500 tak": a range
    (re.compile(r"(\d[\d.]*)\s+(?:rupaye\s+)?se\s+(\d[\d.]*)\s+(?:rupaye\s+)?tak\b"),
     r"between \1 and \2"),
    (re.compile(r"(\d[\d.]*)\s+(rupaye\s+)?se\s+(?:kam|neeche)"), r"under \1 \2"),
    # "300 ke under", "500 ke neeche": English "under" in Hindi word order
    (re.compile(r"(\d[\d.]*)\s+(rupaye\s+)?(?:ke\s+)?(?:under|below|neeche)\b"), r"under \1 \2"),
    (re.compile(r"(\d[\d.]*)\s+(rupaye\s+)?se\s+(?:zyada|upar)"), r"above \1 \2"),
    (re.compile(r"(\d[\d.]*)\s+(rupaye\s+)?tak(?:\s+ka|\s+ki|\s+ke)?\b"), r"under \1 \2"),
    (re.compile(r"(\d[\d.]*)\s+(km)\s+(?:ke\s+)?(?:andar|me)\b"), r"within \1 \2"),
    (re.compile(r"(\d[\d.]*)\s+(km)\s+(?:ke\s+)?(?:paas|tak)"), r"within \1 \2"),
    (re.compile(r"(\d[\d.]*)\s+(rupaye\s+)?(?:ke\s+)?andar\b"), r"under \1 \2"),
)
# "jaipur ke paas", "new delhi ke aas paas": near the place said before
_AMOUNT_UNITS = frozenset({"kilo", "kilos", "kg", "gram", "grams", "gm", "ghante", "ghanta",
                           "din", "hafte", "mahine", "rupaye", "rupay", "rs", "hazar", "hajar",
                           "sau", "piece", "pieces", "meter", "metre"})
_NEAR = re.compile(r"\b([a-z]+(?:\s[a-z]+)?)\s+(?:ke\s+)?(?:paas|aas\s+paas|aaspaas)\b")


def _near(match: re.Match[str]) -> str:
    """"near" and the place said before it: one word, unless the two words name a town.

    "blue pottery jaipur ke pass" is blue pottery near Jaipur, "new delhi ke paas" near New Delhi.
    """
    said = match.group(1).removesuffix(" ke")
    before, _, last = said.rpartition(" ")
    if last in _AMOUNT_UNITS:
        return f"{said} approx"  # "1 kilo ke aas paas": about a kilo, not near a place
    if before and _town(said) is None and _is_place(last):
        return f"{before} near {last}"
    return f"near {said}"


def _corrected_places(words: list[str]) -> list[str]:
    """"raipur nahi bilaspur": the place said after "nahi" replaces the one before it."""
    out: list[str] = []
    k = 0
    while k < len(words):
        if k + 2 < len(words) and words[k + 1] == "nahi" and _is_place(words[k]) \
                and _is_place(words[k + 2]):
            k += 2
            continue
        out.append(words[k])
        k += 1
    return out


def _shared_scale(words: list[str]) -> list[str]:
    """"10 se 20 hazaar" is 10 to 20 thousand: the lower end takes the scale said after both."""
    out = list(words)
    for k in range(len(out) - 3, 0, -1):
        low, high, scale = out[k - 1], out[k + 1], out[k + 2]
        if out[k] == "se" and scale in ("thousand", "lakh", "crore") \
                and re.fullmatch(r"\d+(?:\.\d+)?", low) and re.fullmatch(r"\d+(?:\.\d+)?", high) \
                and float(low) < float(high):
            out.insert(k, scale)
    return out


def _merge_scales(words: list[str]) -> list[str]:
    """"5 hundred" → "500", "3 thousand 5 hundred" → "3500", "1.5 hundred" → "150"."""
    out: list[str] = []
    total: float | None = None
    current = 0.0
    after_hundred = False
    padded = [*words, "", ""]
    for k, word in enumerate(padded[:-1]):
        number = re.fullmatch(r"\d+(?:\.\d+)?", word)
        if word == "1" and padded[k + 1] in ("ke", "ka", "ki"):
            number = None  # "saadhe chaar hazaar ek ki": 4500 for one piece, not 4501
        if total is not None and word in ("hundred", "thousand", "lakh", "crore"):
            scale = {"hundred": 100, "thousand": 1_000, "lakh": 100_000, "crore": 10_000_000}[word]
            if word == "hundred":
                current = (current or 1) * scale
                after_hundred = True
            else:
                total, current = total + (current or 1) * scale, 0.0
                after_hundred = False
            continue
        if number and total is not None and current == 0 and total > 0:
            current = float(word)
            continue
        if number and total is not None and after_hundred and float(word) < 100:
            current += float(word)  # "atharah sau pachaas": 18 hundred and 50
            after_hundred = False
            continue
        after_hundred = False
        if total is not None:
            out.append(f"{total + current:g}")
            total, current = None, 0.0
        if number:
            total, current = 0.0, float(word)
            continue
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    """Indian states and union territories, written without spaces, to their names."""
    from domain.vocabulary import Vocabulary

    names = {e.canonical for e in Vocabulary.default().entries("region")}
    return {re.sub(r"[^a-z]", "", n.lower()): n for n in names}


def _state_name(word: str) -> str | None:
    """The state a transliterated word spells ("andhrpradesh" → "andhra pradesh"), if any."""
    from rapidfuzz.distance import Levenshtein

    for key, name in _states().items():
        if Levenshtein.distance(word, key, score_cutoff=2) <= (2 if len(key) > 7 else 1):
            return name.lower()
    return None


def _town(word: str) -> Place | None:
    """The town a transliterated word names exactly, if any.

    Not a craft cluster by the name of its craft: "ढोकरा" (dhokra) is the craft, not the town of
    Kondagaon that GeoNames-style aliases file it under. Anusvara before b, p or m is read as "m"
    too ("मुंबई" is transliterated "munbai").
    """
    from domain.places import Gazetteer, normalize

    gaz = Gazetteer.default()
    for spelling in dict.fromkeys((word, re.sub(r"n(?=[bpm])", "m", word))):
        place = gaz.exact(spelling)
        if place is None:
            continue
        if place.kind == "cluster" and normalize(place.name) != spelling \
                and _names_the_craft(spelling):
            return None
        return place
    return None


@lru_cache(maxsize=512)
def _names_the_craft(word: str) -> bool:
    """Whether the word names the craft ("dhokra", "kachchh"), not the town it is named after.

    "बनारस" (banaras) files Banarasi silk too, but as the town its adjective comes from.
    """
    from domain.vocabulary import Vocabulary

    found = Vocabulary.default().find(word, kinds=("craft",), fuzzy=False)
    # "banaras" is the town whose adjective ("banarasi") names the craft
    adjective = [m for m in found if (first := m.entry.canonical.lower().split()[0]) != word
                 and first.startswith(word)]
    return bool(found) and not adjective


@lru_cache(maxsize=512)
def _is_craft(word: str, fuzzy: bool = False) -> bool:
    """Whether the word names a craft (spelt a little differently too, when ``fuzzy``)."""
    from domain.vocabulary import Vocabulary

    return bool(Vocabulary.default().find(word, kinds=("craft",), fuzzy=fuzzy))


# A word that spells a craft this closely is the craft even where it sounds like a town
# ("वारली" varali is Warli painting at 83, not Bareilly; "पटियाला" patiyala is Patola at only 62).
CRAFT_OVER_PLACE_SCORE = 80.0


@lru_cache(maxsize=512)
def _craft_score(word: str) -> float:
    """How closely (0-100) the word spells its nearest craft."""
    from domain.vocabulary import Vocabulary

    found = Vocabulary.default().find(word, kinds=("craft",), fuzzy=True)
    return max((m.score for m in found), default=0.0)


def _craft_name(word: str) -> str | None:
    """The craft a transliterated word spells ("dhokara" → "dhokra casting"), if any."""
    from domain.vocabulary import Vocabulary

    if len(word) < 5:
        return None
    found = Vocabulary.default().find(word, kinds=("craft",), fuzzy=True)
    return found[0].entry.canonical.lower() if len(found) == 1 else None


def _craft_town(craft: str) -> str | None:
    """The town a craft is named after ("channapatna toys" → "channapatna"), if any."""
    from domain.places import Gazetteer, normalize

    first = craft.split()[0]
    place = Gazetteer.default().exact(first)
    return first if place is not None and normalize(place.name) == first else None


def _place_name(word: str) -> str | None:
    """English name of a transliterated place ("dilli" → "delhi", "tamilnadu" → "tamil nadu")."""
    from domain.places import Gazetteer

    gaz = Gazetteer.default()
    if (state := _state_name(word)) is not None and state.replace(" ", "") == word:
        return state  # "bihar" is the state, not Bihar Sharif
    place = _town(word) if len(word) >= 4 else None
    if place is not None and (place.kind == "cluster" or place.population >= 100_000):
        return place.name.lower()  # "bidar" is the town, not a misspelt Bihar
    if state := _state_name(word):
        return state
    if len(word) < 4:
        return None
    if place is None:
        hit = gaz.fuzzy(word, cutoff=90, by_sound=True)
        if hit and (_is_craft(word, fuzzy=False) or _craft_score(word) >= CRAFT_OVER_PLACE_SCORE
                    or (hit[0].kind == "cluster" and _is_craft(word, fuzzy=True))):
            # "dhokara" is the craft dhokra, not the cluster filed under its name; "पटोला" and
            # "वारली" are crafts that only sound like Patiala and Bareilly
            hit = None
        big = hit and (hit[0].kind == "cluster" or hit[0].population >= 100_000)
        place = hit[0] if hit and big else None
    return place.name.lower() if place is not None else None


_MIXED_NUMBERS = re.compile(r"\b(dedh|derh|dhai|dhaai|aadha|aadhi|adha)\b", re.I)
# "paune do kilo" 1.75, "sawa teen" 3.25, "saadhe 4" 4.5 in otherwise English text.
_MIXED_OFFSETS = re.compile(
    r"\b(sawa|sava|saadhe|sadhe|saade|sade|paune)\s+(ek|do|teen|char|chaar|paanch|panch|che|saat|aath|nau|das|"
    r"\d+(?:\.\d+)?)\b", re.I)
_MIXED_UNITS = re.compile(r"\b(ghante|ghanta|ghanton)\b", re.I)


# "1 kilo 200 gram": one weight, 1.2 kg
_KILO_GRAMS = re.compile(r"\b(\d+)\s+kilo\s+(\d{1,3})\s+gram\b")
# "... kitne din me pahunchegi", "... kab tak pahunchega": the place before is where it arrives
_ARRIVES = re.compile(r"(?:(?:kitna\s+(?:din|hafte)|kab\s+tak)\s+(?:me\s+)?)?pahunchega\b")
_SENDS = frozenset({"bhejna", "mangwana"})  # the town said before these is where it goes
_PLACE_CUES = frozenset({"in", "near", "from", "to", "of", "within", "around", "at"})
# The letter of an id said in Devanagari ("पी शून्य शून्य चार" → "p 0 0 4"): a letter's name
# before digits.
_ID_LETTERS = {"pi": "p", "pee": "p", "si": "c", "see": "c", "bi": "b", "bee": "b", "o": "o"}
_SPOKEN_ID = re.compile(r"\b(pi|pee|si|see|bi|bee)\s+(?=(?:shunya|zero|\d)\b)")


def _is_place(word: str) -> bool:
    """A town of the gazetteer (a craft cluster or a city of 100,000) or a state."""
    if len(word) < 3 or not word.isalpha():
        return False
    if word in _states() or word.replace(" ", "") in _states():
        return True
    place = _town(word)
    return place is not None and (place.kind == "cluster" or place.population >= 100_000)


def to_english(text: str) -> str:
    """The English gloss of a Hindi or Hinglish message.

    Other text comes back unchanged but for Hindi fractions and units mixed into English ("dedh
    kilo", "12 ghante").
    """
    if not is_hindi(text):
        text = _MIXED_OFFSETS.sub(
            lambda m: f"{_OFFSETS[m.group(1).lower()] + _number(m.group(2)):g}", text)
        if _MIXED_NUMBERS.search(text) or _MIXED_UNITS.search(text):
            text = _MIXED_NUMBERS.sub(lambda m: f"{_NUMBERS[m.group(1).lower()]:g}", text)
            text = _MIXED_UNITS.sub("hours", text)
        return text
    canon = _canonical()
    words: list[str] = []
    raw = _tokens(text)
    # "12k", "2.5 k": thousands; elsewhere "k" is the particle "ke" ("jaipur k pass")
    raw = ["thousand" if t == "k" and k and re.fullmatch(r"[\d.]+", raw[k - 1]) else t
           for k, t in enumerate(raw)]
    tokens = _numbers([canon.get(t, t) for t in raw])
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if _DEVANAGARI.match(word):
            word = transliterate(word)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            # Two words that spell a state together ("आंध्र प्रदेश", "उत्तर प्रदेश").
            if _DEVANAGARI.match(nxt) and (state := _state_name(word + transliterate(nxt))):
                words.append(state)
                i += 2
                continue
            craft = None if (place := _place_name(word)) else _craft_name(word)
            if craft and nxt in ("se", "tak", "ko") and (town := _craft_town(craft)):
                # "चन्नपटना से अमृतसर": a town a craft is named after, where a parcel leaves
                # from or goes to, is the town ("channapatna"), not its toys
                craft = town
            word = place or craft or word
        words.append(word)
        i += 1
    words = _corrected_places(_merge_scales(_shared_scale(words)))
    for k in range(len(words) - 1, -1, -1):
        nxt = words[k + 1] if k + 1 < len(words) else ""
        prev = words[k - 1] if k else ""
        if nxt == "se" and prev not in _PLACE_CUES and _is_place(words[k]):
            # "बीदर से इंदौर": from Bidar to Indore.
            after = words[k + 2] if k + 2 < len(words) else ""
            words[k + 1] = "to" if after and _is_place(after) else ""
            words.insert(k, "from")
        elif prev not in _PLACE_CUES and _is_place(words[k]) and (_SENDS & {
                nxt, words[k + 2] if nxt in ("ko", "tak") and k + 2 < len(words) else ""}
                or _ARRIVES.match(" ".join(words[k + 1:k + 5]))):
            # "जयपुर भेजना है", "jaipur tak bhejna", "guwahati mangana hai", "जयपुर कितने दिन में
            # पहुँचेगी": it goes there
            if nxt in ("ko", "tak"):
                del words[k + 1]
            words.insert(k, "to")
        elif nxt in ("ke", "me", "tak") and prev not in _PLACE_CUES and _is_place(words[k]) \
                and not (nxt == "ke" and k + 2 < len(words)
                         and words[k + 2] in ("paas", "aas", "aaspaas")):
            words.insert(k, "in")  # "Jaipur ki blue pottery": the place is a filter, said as one
    joined = " ".join(words)
    for pattern, repl in _PHRASES:
        joined = pattern.sub(repl, joined)
    joined = _NEAR.sub(_near, joined)
    joined = _KILO_GRAMS.sub(lambda m: f"{int(m.group(1)) + int(m.group(2)) / 1000:g} kilo", joined)
    joined = _SPOKEN_ID.sub(lambda m: _ID_LETTERS[m.group(1)] + " ", joined)
    glosses = _glosses()
    out = []
    for word in joined.split():
        gloss = glosses.get(word, word)
        if gloss:
            out.append(gloss)
    return re.sub(r"\s+", " ", " ".join(out)).strip()
