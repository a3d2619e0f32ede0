"""Tool results said in Hindi: one describer per tool, the same figures as the English ones.

Product titles, ids, provider names and knowledge answers stay as the tools give them; the
sentence around them is Hindi. A skill may carry its own ``describe_hi``; these are the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.production import UNSOLD_DAYS

Describer = Callable[[dict[str, Any], dict[str, Any]], str]

_STATUS = {"pending": "पेंडिंग", "confirmed": "पक्के", "in_production": "बन रहे",
           "shipped": "भेजे गए", "delivered": "पहुँच चुके", "cancelled": "रद्द"}
_RISK = {"low": "कम", "medium": "मध्यम", "high": "ज़्यादा"}
_ACTION = {"no_action": "कोई कार्रवाई ज़रूरी नहीं", "warning": "चेतावनी देने की सलाह",
           "manual_review": "मॉडरेटर खाते की जाँच करें",
           "suspend": "खाता निलंबित करने की सलाह (मॉडरेटर पुष्टि करेंगे)"}


def _rs(value: float) -> str:
    return f"₹{value:,.0f}"


def list_orders(args: dict[str, Any], result: dict[str, Any]) -> str:
    """गिनती और पहले कुछ ऑर्डर।"""
    status = args.get("status")
    label = f"{_STATUS.get(status, status)} " if status else ""
    orders = result.get("orders", [])
    total = result.get("total", len(orders))
    if not orders:
        return f"अभी आपके कोई {label}ऑर्डर नहीं हैं।"
    shown = "; ".join(
        f"{o['id']}: {o['product_title']} ×{o['quantity']}, {_rs(o['total_amount'])}"
        + (f", {o['ship_city']}" if o.get("ship_city") else "")
        + ("" if status else f" ({_STATUS.get(o['status'], o['status'])})")
        for o in orders[:5]
    )
    more = f" और {total - 5} और" if total > 5 else ""
    return f"आपके {total} {label}ऑर्डर हैं: {shown}{more}।"


def search_products(args: dict[str, Any], result: dict[str, Any]) -> str:
    """कितने मिले और सबसे अच्छे तीन।"""
    products = result.get("products", [])
    where = f" {result['center']['name']} के पास" if result.get("center") else ""
    what = args.get("query") or "शिल्प"
    if not products:
        return f"{where.strip() or 'यहाँ'} {what} नहीं मिला। दायरा बढ़ाइए या दूसरे शब्द आज़माइए।"
    shown = "; ".join(
        f"{p['title']} ({_rs(p['price'])}"
        + (f", {p['distance_km']:.0f} किमी दूर" if p.get("distance_km") is not None else "")
        + f", {p['id']})"
        for p in products[:3]
    )
    return (f"{where.strip() + ' ' if where else ''}{what} के {result.get('total', len(products))}"
            f" नतीजे मिले। सबसे अच्छे: {shown}।")


def recommend_similar(args: dict[str, Any], result: dict[str, Any]) -> str:
    """मिलते-जुलते पहले तीन।"""
    products = result.get("products", [])
    if not products:
        return f"{result.get('product_id', 'इस')} जैसा अभी कुछ नहीं मिला।"
    shown = "; ".join(f"{p['title']} ({_rs(p['price'])}, {p['id']})" for p in products[:3])
    return f"{result['product_id']} जैसे: {shown}।"


def update_price(args: dict[str, Any], result: dict[str, Any]) -> str:
    """पुराना और नया दाम।"""
    told = len(result.get("notifications", []))
    return (f"हो गया: {result['product_id']} का दाम अब {_rs(result['new_price'])} है "
            f"(पहले {_rs(result['old_price'])})। {told} सूचनाएँ भेजीं।")


def golden_price(args: dict[str, Any], result: dict[str, Any]) -> str:
    """सुझाया दाम, दायरा, लागत और भरोसा।"""
    r, b = result["price_range"], result["breakdown"]
    parts = [f"लगभग {_rs(result['golden_price'])} रखिए (सही दायरा {_rs(r['min'])} से "
             f"{_rs(r['max'])})।",
             f"आपकी लागत: सामग्री {_rs(b['materials'])}, मेहनत {_rs(b['labor'])}, "
             f"ऊपरी ख़र्च {_rs(b['overhead'])}, भेजना {_rs(b['transport'])}।"]
    if result.get("market_price"):
        parts.append(f"बाज़ार में ऐसे सामान लगभग {_rs(result['market_price'])} में बिकते हैं।")
    level = "कम" if result.get("low_confidence") else "अच्छा"
    parts.append(f"भरोसा: {level} ({result['confidence']:.0%})।")
    return " ".join(parts)


def shipping_quote(args: dict[str, Any], result: dict[str, Any]) -> str:
    """सबसे सस्ता विकल्प और बाकी दो।"""
    dest = result.get("destination", {}).get("name", args.get("destination", "वहाँ"))
    text = (f"सबसे सस्ता: {result['provider']}, {_rs(result['optimal_cost'])}, लगभग "
            f"{result['delivery_days']} दिन में {dest} (दाम का {result['cost_percentage']:.0f}%)।")
    others = [q for q in result.get("all_quotes", []) if q["provider"] != result["provider"]][:2]
    if others:
        text += " और: " + ", ".join(
            f"{q['provider']} {_rs(q['cost'])} ({q['delivery_days']} दिन)" for q in others) + "।"
    if result.get("bulk_savings"):
        text += f" पेंडिंग ऑर्डरों के साथ भेजने पर {_rs(result['bulk_savings'])} बचेंगे।"
    return text


def demand_forecast(args: dict[str, Any], result: dict[str, Any]) -> str:
    """कुल अनुमानित बिक्री और कितना बनाएँ।"""
    where = f"{result['region']} में" if result.get("region") else "पूरे भारत में"
    days, total = result["horizon_days"], result["total_predicted"]
    return (f"अगले {days} दिनों में {where} लगभग {total:,.0f} {result['category']} सामान बिकने "
            f"का अनुमान है (रोज़ लगभग {total / max(days, 1):,.0f})। ख़ुद लगभग "
            f"{result['recommended_production']:,} बनाने की योजना रखिए।")


def production_plan(args: dict[str, Any], result: dict[str, Any]) -> str:
    """कितने बनाएँ और जोखिम।"""
    rec, planned = result["recommended_quantity"], result["planned_quantity"]
    instead = f" ({planned} की जगह)" if rec < planned else ""
    return (f"लगभग {rec} बनाइए{instead}: अगले {result['horizon_days']} दिनों में लगभग "
            f"{result['forecast_demand']:,.0f} बिकने का अनुमान है। जोखिम "
            f"{_RISK.get(result['risk_level'], result['risk_level'])} है।")


def inventory_health(args: dict[str, Any], result: dict[str, Any]) -> str:
    """पुराना और धीमा स्टॉक।"""
    old, slow = result.get("unsold_over_60_days", []), result.get("slow_moving", [])
    checked = result.get("listings_checked", 0)
    if not old and not slow:
        return f"मैंने स्टॉक के {checked} सामान जाँचे: सब ठीक बिक रहा है।"
    text = f"मैंने स्टॉक के {checked} सामान जाँचे।"
    if old:
        worst = sorted(old, key=lambda f: -f["days_unsold"])[:3]
        days = args.get("unsold_days") or UNSOLD_DAYS
        text += f" {len(old)} सामान {days} दिन से ज़्यादा से नहीं बिके, जैसे " + "; ".join(
            f"{f['title']} ({f['product_id']}, {f['days_unsold']} दिन)" for f in worst) + "।"
    if slow:
        text += f" {len(slow)} सामान धीरे बिक रहे हैं।"
    return text


def consolidation_plan(args: dict[str, Any], result: dict[str, Any]) -> str:
    """साथ भेजने लायक समूह और बचत।"""
    groups = [g for g in result.get("groups", []) if g["recommendation"] == "bulk"]
    if not groups:
        n = result.get("pending_orders", 0)
        return (f"आपके {n} पेंडिंग ऑर्डर हैं; कोई एक इलाके में नहीं जा रहे, अलग-अलग भेजिए।"
                if n else "भेजने के लिए कोई पेंडिंग ऑर्डर नहीं है।")
    shown = "; ".join(f"{', '.join(g['order_ids'])} → {g['region']}: {_rs(g['savings'])} बचत"
                      for g in groups[:3])
    return f"{len(groups)} समूह साथ भेजिए, कुल {_rs(result['total_savings'])} बचेंगे: {shown}।"


def craft_clusters(args: dict[str, Any], result: dict[str, Any]) -> str:
    """पास के क्लस्टर।"""
    clusters = result.get("clusters", [])
    kind = "लुप्त होते शिल्पों के क्लस्टर" if args.get("endangered_only") else "शिल्प क्लस्टर"
    if not clusters:
        return f"वहाँ कोई {kind} नहीं मिला।"
    shown = "; ".join(
        f"{c['name']} ({c['creator_count']} कारीगर"
        + (f", {c['distance_km']:.0f} किमी" if c.get("distance_km") is not None else "")
        + (", लुप्त होने का ख़तरा" if c.get("endangered") else "") + ")"
        for c in clusters[:4])
    return f"{len(clusters)} {kind}: {shown}।"


def heritage_trail(args: dict[str, Any], result: dict[str, Any]) -> str:
    """रास्ता संक्षेप में।"""
    stops = result.get("waypoints", [])
    hours = result.get("estimated_duration_min", 0) / 60
    names = ", ".join(w.get("name") or w["creator_id"] for w in stops[:4])
    return (f"{result['name']}: {len(stops)} कार्यशालाएँ, लगभग {hours:.1f} घंटे "
            f"({result.get('distance_km', 0):.0f} किमी)। पड़ाव: {names}।")


def heritage_lookup(args: dict[str, Any], result: dict[str, Any]) -> str:
    """उत्तर और स्रोत (उत्तर ज्ञान-कोष की भाषा में)।"""
    answer = str(result.get("answer", "")).strip()
    citations = result.get("citations") or []
    if not citations:
        return "मुझे नहीं पता: मेरे धरोहर नोट्स में यह नहीं है।"
    titles = "; ".join(dict.fromkeys(c["title"] for c in citations))
    return f"{answer} (स्रोत: {titles})"


def fraud_check(args: dict[str, Any], result: dict[str, Any]) -> str:
    """जोखिम अंक और सलाह।"""
    return (f"{result['seller_id']}: धोखाधड़ी जोखिम {result['fraud_risk_score']:.0f}/100, "
            f"रीसेलर अंक {result['reseller_score']:.0f}/100; "
            f"{_ACTION.get(result['recommended_action'], result['recommended_action'])}।")


def image_theft_check(args: dict[str, Any], result: dict[str, Any]) -> str:
    """फ़ोटो चोरी का फ़ैसला।"""
    seller, sim = result["reported_seller_id"], result["similarity"]
    if result.get("flagged"):
        return f"हाँ: {seller} के पास उस फ़ोटो की नकल है (समानता {sim:.0%})। खाता जाँच के लिए भेजा।"
    return f"{seller} की लिस्टिंग में वह फ़ोटो नहीं मिली (सबसे ज़्यादा समानता {sim:.0%})।"


def analyze_authenticity(args: dict[str, Any], result: dict[str, Any]) -> str:
    """प्रामाणिकता अंक।"""
    text = (f"प्रामाणिकता अंक: {result['authenticity_score']:.0f}/100 "
            f"(भरोसा {result.get('confidence', 0):.0%})।")
    if result.get("requires_manual_review"):
        text += " अंक 60 से कम है, इसलिए लिस्टिंग की हाथ से जाँच होगी।"
    return text


DESCRIBE_HI: dict[str, Describer] = {
    f.__name__: f
    for f in (list_orders, search_products, recommend_similar, update_price, golden_price,
              shipping_quote, demand_forecast, production_plan, inventory_health,
              consolidation_plan, craft_clusters, heritage_trail, heritage_lookup, fraud_check,
              image_theft_check, analyze_authenticity)
}
