"""Fraud and reseller detection (seed "Fraud Detection System", props 12-13, 38-40, 42).

``features`` measures sellers from the store, ``scoring`` turns that into scores, rules and an
evidence report (pure), ``moderation`` runs the review queue and decisions. :func:`check_seller`
is the whole path for one seller, with the detection written to the audit log.

    DomainError
    ├── NotFound       unknown seller or review item
    ├── InvalidInput   a decision that does not fit the case
    └── Conflict       a case that was already decided
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from domain.errors import NotFound
from domain.fraud import moderation
from domain.fraud.features import SellerFeatures, load_all
from domain.fraud.scoring import FraudReport, anomaly_scores, score_seller
from domain.store import audit
from domain.store.models import Creator

__all__ = ["FraudReport", "SellerFeatures", "check_seller", "score_all"]


def score_all(session: Session) -> dict[str, FraudReport]:
    """Reports for every seller (for the benchmark and sweeps); writes nothing."""
    feats = load_all(session)
    anomaly = anomaly_scores(feats)
    return {sid: score_seller(f, anomaly[sid]) for sid, f in feats.items()}


def check_seller(
    session: Session, seller_id: str, *, actor: str, trigger: str = "manual"
) -> tuple[FraudReport, int | None]:
    """Score one seller, audit the detection, and open a review case when it needs one."""
    if session.get(Creator, seller_id) is None:
        raise NotFound(f"no seller {seller_id}", field="seller_id")
    report = score_all(session)[seller_id]
    audit.append(
        session,
        actor=actor,
        action="fraud_detection",
        target=seller_id,
        details={
            "trigger": trigger,
            "fraud_risk_score": report.fraud_risk_score,
            "reseller_score": report.reseller_score,
            "rules": report.rules,
            "recommended_action": report.recommended_action,
        },
    )
    review_id = None
    if report.requires_review:
        item, _ = moderation.enqueue(
            session,
            kind="fraud",
            target_type="seller",
            target_id=seller_id,
            seller_id=seller_id,
            reason="; ".join(report.rules) or f"fraud risk {report.fraud_risk_score:.0f}",
            score=report.fraud_risk_score,
            evidence=report.evidence,
            actor=actor,
        )
        review_id = item.id
    return report, review_id
