"""Image theft checks (prop 41): is this photograph already on another seller's listings?

A creator reports a seller; the photo is compared, window by window and in both orientations,
with every indexed product photo. Similarity ≥ 0.9 with one of the reported seller's photos
flags that account for review; every check is written to the audit log.

Admins may check any photo against any seller. A creator may report only copies of their own
work: the photo must match one of their listings, and only the reported seller's listings
published after that original count as copies, so nobody gets a seller flagged with the
seller's own photo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PIL import Image
from sqlalchemy.orm import Session

from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.fraud import moderation
from domain.store import audit
from domain.store.models import Creator, Product
from domain.store.models_verification import MediaFile
from domain.vision.hashing import MAX_BITS, THEFT_THRESHOLD, query_signatures, similarity
from domain.vision.library import signature_index

SHOW_ABOVE = 0.8  # matches this close are listed even when they do not flag anyone


@dataclass(frozen=True)
class TheftMatch:
    """One listing that shows (nearly) the same photograph."""

    product_id: str | None
    seller_id: str | None
    image: str
    similarity: float


@dataclass(frozen=True)
class TheftReport:
    """The best similarity with the reported seller's photos, all close matches, the verdict."""

    reported_seller_id: str
    similarity: float
    matches: list[TheftMatch]
    flagged: bool
    review_id: int | None


def find_matches(
    session: Session,
    image: Image.Image,
    *,
    min_similarity: float = SHOW_ABOVE,
) -> list[TheftMatch]:
    """Every indexed photo at least ``min_similarity`` similar to ``image``, best first."""
    index, refs = signature_index(session)
    queries = query_signatures(image)
    hits = index.query_many((q.code for q in queries), MAX_BITS)
    out = []
    for ref_id, hit in hits.items():
        score = similarity(queries, hit.signature)
        if score >= min_similarity:
            ref = refs[ref_id]
            out.append(TheftMatch(ref.product_id, ref.seller_id, ref.media_id, round(score, 3)))
    out.sort(key=lambda m: (-m.similarity, m.product_id or ""))
    return out


def check_theft(
    session: Session,
    image: Image.Image,
    *,
    reported_seller_id: str,
    reporter_id: str,
    reporter_role: str,
    image_ref: str,
) -> TheftReport:
    """Compare a reported photo with the reported seller's listings and flag on ≥ 0.9.

    ``reporter_role`` other than ``admin``: the photo must be the reporter's own (it matches
    one of their listings) and only the seller's listings newer than that original count.
    """
    if session.get(Creator, reported_seller_id) is None:
        raise NotFound(f"no seller {reported_seller_id}", field="reported_seller_id")
    if reported_seller_id == reporter_id:
        raise InvalidInput("a creator cannot report their own account", field="reported_seller_id")
    matches = find_matches(session, image)
    theirs = [m for m in matches if m.seller_id == reported_seller_id]
    if reporter_role != "admin":
        theirs = _copies_of_own_work(session, matches, theirs, reporter_id)
    best = max((m.similarity for m in theirs), default=0.0)
    flagged = best >= THEFT_THRESHOLD
    audit.append(
        session,
        actor=reporter_id,
        action="image_theft_check",
        target=reported_seller_id,
        details={
            "image": image_ref,
            "similarity": best,
            "flagged": flagged,
            "matches": len(matches),
        },
    )
    review_id = None
    if flagged:
        evidence = {
            "image": image_ref,
            "reported_by": reporter_id,
            "matches": [m.__dict__ for m in theirs[:20]],
        }
        item, _ = moderation.enqueue(
            session,
            kind="image_theft",
            target_type="seller",
            target_id=reported_seller_id,
            seller_id=reported_seller_id,
            score=round(best * 100, 1),
            evidence=evidence,
            reason=f"photo reported by {reporter_id} matches {len(theirs)} of their listing photos "
            f"(similarity {best:.2f})",
            actor=reporter_id,
        )
        review_id = item.id
    return TheftReport(reported_seller_id, best, matches[:25], flagged, review_id)


def _listed_at(session: Session, match: TheftMatch) -> dt.datetime | None:
    """When the photo went up: its listing's creation, else the stored file's."""
    row: Product | MediaFile | None = None
    if match.product_id:
        row = session.get(Product, match.product_id)
    if row is None:
        row = session.get(MediaFile, match.image)
    stamp = row.created_at if row is not None else None
    if stamp is not None and stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC
    return stamp


def _copies_of_own_work(
    session: Session, matches: list[TheftMatch], theirs: list[TheftMatch], reporter_id: str
) -> list[TheftMatch]:
    """The reported seller's matches published after the reporter's own original."""
    originals = [
        stamp for m in matches
        if m.seller_id == reporter_id and m.similarity >= THEFT_THRESHOLD
        and (stamp := _listed_at(session, m)) is not None
    ]
    if not originals:
        raise PermissionDenied(
            "a creator may report only copies of their own photos: this photo matches none "
            "of your listings",
            field="image",
        )
    first = min(originals)
    return [m for m in theirs if (stamp := _listed_at(session, m)) is not None and stamp > first]
