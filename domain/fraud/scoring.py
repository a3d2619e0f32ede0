"""Fraud and reseller scores from seller features: the seed's rules plus an anomaly model.

Pure core (props 12-13, 38-39). The rules are the seed's explicit thresholds; an
IsolationForest fitted on the whole seller population adds how unusual a seller is overall.
Both scores are 0-100; the evidence report always has image analysis, behaviour patterns and
transaction history sections, flagged or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import IsolationForest

from domain.fraud.features import SellerFeatures

# The seed's thresholds.
RESELLER_LISTINGS_PER_DAY = 50  # prop 12: bulk listings > 50 per day
RESELLER_SALES_PER_WEEK = 100  # prop 12: rapid turnover > 100 sales per week
SUSPICIOUS_UPLOADS_PER_DAY = 100  # prop 38: mass uploads > 100 per day
SUSPICIOUS_DUPLICATE_PRODUCTS = 3  # prop 38: duplicate images across 3+ products
# Prop 12's "identical products": many listings of one kind, or mostly repeated titles.
IDENTICAL_MIN_LISTINGS = 20
IDENTICAL_DIVERSITY = 0.05
IDENTICAL_SHARE = 0.5
COMPLAINT_MIN = 5
COMPLAINT_SHARE = 0.5
REVIEW_ABOVE = 60.0
ACTIONS = ("no_action", "warning", "manual_review", "suspend")

_MODEL_COLUMNS = (
    "max_listings_per_day",
    "listings_per_active_day",
    "product_diversity",
    "copied_image_products",
    "price_anomaly_share",
    "category_price_deviation",
    "max_sales_per_week",
    "complaint_share",
    "mean_authenticity",
    "account_age_days",
)


@dataclass(frozen=True)
class FraudReport:
    """What the fraud check concludes about one seller."""

    seller_id: str
    fraud_risk_score: float
    reseller_score: float
    anomaly_score: float
    rules: list[str]
    requires_review: bool
    recommended_action: str
    evidence: dict[str, Any]


def reseller_rules(f: SellerFeatures) -> list[str]:
    """Prop 12: bulk listings, identical products, rapid turnover."""
    out = []
    if f.max_listings_per_day > RESELLER_LISTINGS_PER_DAY:
        out.append(
            f"bulk_listings: {f.max_listings_per_day} listings on {f.busiest_day} (> 50 a day)"
        )
    if f.listings >= IDENTICAL_MIN_LISTINGS and (
        f.product_diversity <= IDENTICAL_DIVERSITY
        or f.identical_titles >= IDENTICAL_SHARE * f.listings
    ):
        out.append(
            f"identical_products: {f.listings} listings of "
            f"{max(1, round(f.product_diversity * f.listings))} kind(s), "
            f"{f.identical_titles} repeated titles"
        )
    if f.max_sales_per_week > RESELLER_SALES_PER_WEEK:
        out.append(
            f"rapid_turnover: {f.max_sales_per_week} sales in {f.busiest_week} (> 100 a week)"
        )
    return out


def suspicious_rules(f: SellerFeatures) -> list[str]:
    """Prop 38: duplicate images on 3+ listings, mass uploads, prices > 50 % off."""
    out = []
    if f.copied_image_products >= SUSPICIOUS_DUPLICATE_PRODUCTS:
        out.append(
            f"duplicate_images: {f.copied_image_products} listings reuse photos first "
            "shown by other sellers"
        )
    if f.max_listings_per_day > SUSPICIOUS_UPLOADS_PER_DAY:
        out.append(f"mass_uploads: {f.max_listings_per_day} listings in one day (> 100)")
    if f.price_anomalies:
        out.append(
            f"price_anomalies: {len(f.price_anomalies)} listings priced more than 50 % "
            "away from comparable listings"
        )
    return out


def complaint_rules(f: SellerFeatures) -> list[str]:
    """Buyers who keep complaining: most reviews are complaints, and there are several."""
    if f.complaints >= COMPLAINT_MIN and f.complaint_share >= COMPLAINT_SHARE:
        return [f"buyer_complaints: {f.complaints} complaints, {f.complaint_share:.0%} of reviews"]
    return []


def anomaly_scores(features: Mapping[str, SellerFeatures], seed: int = 0) -> dict[str, float]:
    """0-100 per seller from an IsolationForest over the population (100 = most unusual)."""
    ids = sorted(features)
    if len(ids) < 8:
        return dict.fromkeys(ids, 0.0)
    x = np.array([[float(getattr(features[i], c)) for c in _MODEL_COLUMNS] for i in ids])
    x = np.sign(x) * np.log1p(np.abs(x))  # heavy tails (sales, listings) on one scale
    forest = IsolationForest(n_estimators=200, random_state=seed).fit(x)
    raw = -forest.score_samples(x)  # higher = more anomalous, about 0.35-0.8
    lo, hi = np.percentile(raw, 50), raw.max()
    scaled = np.clip((raw - lo) / max(hi - lo, 1e-9), 0, 1) * 100
    return {i: round(float(s), 1) for i, s in zip(ids, scaled, strict=True)}


def _sat(value: float, full: float) -> float:
    return float(np.clip(value / full, 0.0, 1.0))


def reseller_score(f: SellerFeatures, rules: list[str]) -> float:
    """0-100: how much the seller looks like a trader of factory goods rather than a maker."""
    s = (
        0.35 * _sat(f.max_listings_per_day, RESELLER_LISTINGS_PER_DAY)
        + 0.2 * _sat(f.copied_image_products, SUSPICIOUS_DUPLICATE_PRODUCTS)
        + 0.15 * _sat(f.identical_titles, 10)
        + 0.15 * _sat(f.max_sales_per_week, RESELLER_SALES_PER_WEEK)
        + 0.15 * _sat(max(0.0, 60 - f.mean_authenticity), 30) * (f.listings > 0)
    )
    score = 100 * s
    return round(max(score, 75.0) if rules else score, 1)


def fraud_risk(f: SellerFeatures, reseller: float, anomaly: float, rules: list[str]) -> float:
    """0-100: reseller behaviour, price anomalies, complaints, stolen photos, unusualness."""
    complaints = _sat(f.complaint_share - 0.1, 0.4) * _sat(f.complaints, 5)
    s = (
        0.3 * reseller / 100
        + 0.2 * _sat(f.price_anomaly_share, 0.25) * _sat(len(f.price_anomalies), 1)
        + 0.25 * complaints
        + 0.15 * _sat(f.copied_image_products, SUSPICIOUS_DUPLICATE_PRODUCTS)
        + 0.1 * anomaly / 100
    )
    score = 100 * s
    if rules:
        score = max(score, 62.0 + 8.0 * min(len(rules), 4))  # three independent rules: suspend
    if complaints >= 0.9:
        score = max(score, 70.0)
    if f.copied_image_products:
        score = max(score, 40.0)  # another seller's photos on a listing: at least a warning
    return round(float(np.clip(score, 0, 100)), 1)


def recommended_action(risk: float) -> str:
    """Suspension is only recommended; a moderator confirms it."""
    if risk >= 85:
        return "suspend"
    if risk > REVIEW_ABOVE:
        return "manual_review"
    if risk >= 35:
        return "warning"
    return "no_action"


def evidence(f: SellerFeatures, rules: list[str], anomaly: float) -> dict[str, Any]:
    """The report: the contract's fields plus image, behaviour and transaction sections."""
    velocity = {
        "max_per_day": f.max_listings_per_day,
        "busiest_day": f.busiest_day,
        "per_active_day": round(f.listings_per_active_day, 2),
        "anomaly": f.max_listings_per_day > RESELLER_LISTINGS_PER_DAY,
    }
    transactions = {
        "orders": f.orders,
        "max_sales_per_week": f.max_sales_per_week,
        "busiest_week": f.busiest_week,
        "cancelled_share": round(f.cancelled_share, 3),
        "rapid_turnover": f.max_sales_per_week > RESELLER_SALES_PER_WEEK,
    }
    complaints = {"count": f.complaints, "share_of_reviews": round(f.complaint_share, 3)}
    return {
        "listing_velocity": velocity,
        "duplicate_images": f.duplicate_images[:50],
        "price_anomalies": f.price_anomalies[:50],
        "buyer_complaints": complaints,
        "transaction_patterns": transactions,
        "image_analysis": {
            "listings_with_copied_photos": f.copied_image_products,
            "listings_sharing_photos": f.shared_image_products,
            "mean_authenticity_score": round(f.mean_authenticity, 1),
            "low_authenticity_listings": f.low_authenticity_listings,
        },
        "behavior_patterns": {
            "listings": f.listings,
            "listing_velocity": velocity,
            "product_diversity": round(f.product_diversity, 3),
            "identical_titles": f.identical_titles,
            "account_age_days": round(f.account_age_days, 1),
            "anomaly_score": anomaly,
            "rules_triggered": rules,
        },
        "transaction_history": {**transactions, "buyer_complaints": complaints},
    }


def score_seller(f: SellerFeatures, anomaly: float) -> FraudReport:
    """Rules, scores, evidence and the recommended action for one seller."""
    rules = reseller_rules(f)
    reseller = reseller_score(f, rules)
    rules = rules + suspicious_rules(f) + complaint_rules(f)
    risk = fraud_risk(f, reseller, anomaly, rules)
    return FraudReport(
        f.seller_id,
        risk,
        reseller,
        anomaly,
        rules,
        risk > REVIEW_ABOVE or bool(rules),
        recommended_action(risk),
        evidence(f, rules, anomaly),
    )
