"""Digital portfolios: registration, what a portfolio holds, edits, and completed orders.

Registering a creator creates a portfolio with profile, showcase and specialisation
(prop 20); completing an order adds to the sales figures and keeps the buyer's review
(prop 23); a portfolio always carries story, techniques, materials and a production
timeline, and says how complete it is (prop 24).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.clusters import ClusterSite, CreatorPoint, nearest_site
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.places import Place
from domain.store import audit
from domain.store.models import CATEGORIES, Cluster, Creator, Order, Product, Review, utcnow

EDITABLE = (
    "bio",
    "story",
    "production_process",
    "techniques",
    "materials",
    "portfolio_images",
    "portfolio_videos",
    "preferred_language",
    "years_experience",
    "email",
)
# Bounds the engine keeps whatever the caller checked: items per list, characters per item.
MAX_LIST_ITEMS = 20
MAX_ITEM_CHARS = 255
NULLABLE = frozenset({"email"})
COMPLETENESS_FIELDS = (
    "bio",
    "story",
    "production_process",
    "techniques",
    "materials",
    "portfolio_images",
    "showcase",
)


@dataclass
class Registration:
    """What a new creator tells us."""

    name: str
    phone: str
    craft: str
    category: str
    home: Place
    techniques: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    preferred_language: str = "hi"
    years_experience: int = 0
    bio: str = ""
    story: str = ""
    production_process: str = ""
    email: str | None = None


def _check(reg: Registration) -> None:
    if not reg.name.strip():
        raise InvalidInput("name is empty", field="name")
    if not re.fullmatch(r"\+?\d[\d -]{8,15}", reg.phone.strip()):
        raise InvalidInput("phone must be 9-16 digits", field="phone")
    if reg.category not in CATEGORIES:
        raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    if not reg.craft.strip():
        raise InvalidInput("craft is empty", field="craft")
    if not 0 <= reg.years_experience <= 90:
        raise InvalidInput("years_experience must be 0-90", field="years_experience")
    _check_lists({"techniques": reg.techniques, "materials": reg.materials})


def _check_lists(fields: dict[str, Any]) -> None:
    for name, values in fields.items():
        if not isinstance(values, list):
            continue
        if len(values) > MAX_LIST_ITEMS:
            raise InvalidInput(f"{name} has at most {MAX_LIST_ITEMS} items", field=name)
        if any(not isinstance(v, str) or len(v) > MAX_ITEM_CHARS for v in values):
            raise InvalidInput(
                f"each of {name} is a text of at most {MAX_ITEM_CHARS} characters", field=name
            )


def _next_id(session: Session) -> str:
    ids = session.scalars(select(Creator.id).where(Creator.id.like("c-%"))).all()
    numbers = [int(i[2:]) for i in ids if i[2:].isdigit()]
    return f"c-{max(numbers, default=0) + 1:04d}"


def register(session: Session, reg: Registration, *, actor: str) -> Creator:
    """Create a creator with a portfolio and put them in a matching cluster within 100 km."""
    _check(reg)
    sites = [
        ClusterSite(k.id, k.name, k.lat, k.lon, [k.craft, *(k.primary_crafts or [])])
        for k in session.scalars(select(Cluster))
    ]
    hit = nearest_site(CreatorPoint("new", reg.home.lat, reg.home.lon, reg.craft), sites)
    creator = Creator(
        id=_next_id(session),
        name=reg.name.strip(),
        phone=reg.phone.strip(),
        email=reg.email,
        preferred_language=reg.preferred_language,
        lat=reg.home.lat,
        lon=reg.home.lon,
        address=reg.home.name,
        region=reg.home.state or reg.home.name,
        cluster_id=hit[0].id if hit else None,
        primary_craft=reg.craft.strip(),
        category=reg.category,
        techniques=list(reg.techniques),
        materials=list(reg.materials),
        years_experience=reg.years_experience,
        bio=reg.bio,
        story=reg.story,
        production_process=reg.production_process,
        portfolio_images=[],
        portfolio_videos=[],
        status="active",
    )
    session.add(creator)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="creator_registered",
        target=creator.id,
        details={"craft": creator.primary_craft, "cluster_id": creator.cluster_id},
    )
    return creator


def portfolio(session: Session, creator_id: str) -> dict[str, Any]:
    """Profile, showcase, specialisation, story and production timeline, with completeness."""
    c = session.get(Creator, creator_id)
    if c is None:
        raise NotFound(f"no creator {creator_id}", field="creator_id")
    showcase = [
        {"id": p.id, "title": p.title, "price": p.price, "images": p.images, "rating": p.rating}
        for p in session.scalars(
            select(Product)
            .where(Product.creator_id == c.id, Product.status == "active")
            .order_by(Product.rating.desc(), Product.id)
            .limit(12)
        )
    ]
    hours = session.scalar(
        select(func.avg(Product.production_hours)).where(Product.creator_id == c.id)
    )
    sales_count = (
        session.scalar(
            select(func.count(Order.id)).where(
                Order.creator_id == c.id, Order.status == "delivered"
            )
        )
        or 0
    )
    reviews = [
        {"rating": r.rating, "text": r.text, "buyer_id": r.buyer_id, "order_id": r.order_id}
        for r in session.scalars(
            select(Review)
            .where(Review.creator_id == c.id)
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(5)
        )
    ]
    doc = {
        "creator_id": c.id,
        "profile": {
            "name": c.name,
            "region": c.region,
            "address": c.address,
            "cluster_id": c.cluster_id,
            "preferred_language": c.preferred_language,
            "years_experience": c.years_experience,
            "bio": c.bio,
            "verified": {
                "identity": c.identity_verified,
                "workshop": c.workshop_verified,
                "craft": c.craft_verified,
            },
        },
        "specialization": {"craft": c.primary_craft, "category": c.category},
        "story": c.story,
        "techniques": list(c.techniques or []),
        "materials": list(c.materials or []),
        "production_timeline": {
            "process": c.production_process,
            "typical_hours": round(float(hours), 1) if hours else None,
        },
        "showcase": showcase,
        "portfolio_images": list(c.portfolio_images or []),
        "portfolio_videos": list(c.portfolio_videos or []),
        "sales": {"count": int(sales_count), "revenue": round(c.total_sales, 2)},
        "rating": {"average": c.average_rating, "count": c.review_count},
        "recent_reviews": reviews,
    }
    missing = [
        f for f in COMPLETENESS_FIELDS if not (doc.get(f) if f in doc else getattr(c, f, None))
    ]
    doc["completeness"] = {
        "score": round(1 - len(missing) / len(COMPLETENESS_FIELDS), 2),
        "missing": missing,
    }
    return doc


def edit(
    session: Session, creator_id: str, changes: dict[str, Any], *, actor: str, role: str
) -> dict[str, Any]:
    """Change one's own portfolio fields (admins: anyone's); unknown fields are refused."""
    if role != "admin" and actor != creator_id:
        raise PermissionDenied("a creator may edit only their own portfolio", field="creator_id")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(f"{unknown[0]} cannot be edited here", field=unknown[0])
    _check_lists(changes)
    for name, value in changes.items():
        if value is None and name not in NULLABLE:
            raise InvalidInput(f"{name} cannot be null; send an empty value instead", field=name)
    c = session.get(Creator, creator_id)
    if c is None:
        raise NotFound(f"no creator {creator_id}", field="creator_id")
    for name, value in changes.items():
        setattr(c, name, value)
    audit.append(
        session,
        actor=actor,
        action="portfolio_edit",
        target=creator_id,
        details={"fields": sorted(changes)},
    )
    session.flush()
    return portfolio(session, creator_id)


def complete_order(
    session: Session,
    order_id: str,
    *,
    actor: str,
    role: str,
    rating: int | None = None,
    review_text: str = "",
) -> dict[str, Any]:
    """Mark a shipped order delivered: sales go up and the review, if any, joins the portfolio."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}", field="order_id")
    if role != "admin" and actor not in (order.buyer_id, order.creator_id):
        raise PermissionDenied(
            "only the buyer or the creator may complete this order", field="order_id"
        )
    if order.status in ("delivered", "cancelled"):
        raise Conflict(f"{order_id} is already {order.status}")
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidInput("rating must be 1-5", field="rating")
    order.status = "delivered"
    order.timeline = [*(order.timeline or []), {"status": "delivered", "at": utcnow().isoformat()}]
    creator = session.get(Creator, order.creator_id)
    assert creator is not None  # a foreign key guarantees it
    creator.total_sales = (creator.total_sales or 0) + order.total_amount
    if rating is not None:
        session.add(
            Review(
                id=f"r-{uuid.uuid4().hex[:12]}",
                product_id=order.product_id,
                creator_id=creator.id,
                buyer_id=order.buyer_id,
                order_id=order.id,
                rating=rating,
                text=review_text,
                complaint=rating <= 2,
            )
        )
        creator.average_rating = round(
            ((creator.average_rating or 0) * creator.review_count + rating)
            / (creator.review_count + 1),
            3,
        )
        creator.review_count += 1
    audit.append(
        session, actor=actor, action="order_completed", target=order_id, details={"rating": rating}
    )
    session.flush()
    return portfolio(session, creator.id)
