"""Verification tools: ``analyze_authenticity``, ``image_theft_check`` and ``fraud_check``.

Images are upload ids (``up-…`` from ``POST /api/v1/uploads``), seeded photo keys (``img-…``),
base64 data URLs, or paths inside the media directory. The media directory and model cache
come from ``ctx.config.data_dir`` when the caller provides it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator
from sqlalchemy import select

from domain import fraud, media
from domain.errors import NotFound, PermissionDenied
from domain.fraud import moderation
from domain.store import audit
from domain.store.models import Product
from domain.vision import authenticity, classifier, theft
from domain.vision.library import load_image
from tools.common import Category, CreatorId, Word
from tools.registry import ToolContext, tool

HISTORY_IMAGES = 6
# A photo sent inline costs its decode; a few per call, the rest by upload id.
MAX_INLINE_IMAGES = 3
MAX_REF_BYTES = 255
# base64 of the largest upload, plus its "data:image/…;base64," header.
MAX_DATA_URL_CHARS = media.MAX_BYTES * 4 // 3 + 64


def _check_ref(ref: str) -> str:
    """A stored name or path is a short printable name; a data URL is bounded by its size."""
    if ref.startswith("data:"):
        return ref
    if len(ref.encode()) > MAX_REF_BYTES:
        raise ValueError(f"an image reference has at most {MAX_REF_BYTES} bytes")
    if any(ord(c) < 32 or ord(c) == 127 for c in ref):
        raise ValueError("an image reference may not contain control characters")
    return ref


ImageRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_DATA_URL_CHARS),
    AfterValidator(_check_ref),
]


def _data_dir(ctx: ToolContext) -> Path | None:
    return ctx.config.data_dir


def _media_root(ctx: ToolContext) -> Path | None:
    return ctx.config.media_root


class AnalyzeAuthenticityArgs(BaseModel):
    """Arguments of ``analyze_authenticity``."""

    images: list[ImageRef] = Field(
        min_length=1,
        max_length=10,
        description=(
            "Photos of one piece: upload ids (up-…), product photo keys (img-…), data URLs or paths"
        ),
    )
    category: Category = Field(description="Product category, e.g. textiles or pottery")
    claimed_techniques: list[Word] = Field(
        default_factory=list,
        max_length=20,
        description="Techniques the maker claims, e.g. hand weaving",
    )
    product_id: str | None = Field(
        default=None,
        max_length=7,
        pattern=r"^p-\d{5}$",
        description=(
            "The listing these photos belong to; its score is saved and, below 60, it is queued "
            "for manual review"
        ),
    )

    @field_validator("images")
    @classmethod
    def _few_inline(cls, images: list[str]) -> list[str]:
        inline = sum(ref.startswith("data:") for ref in images)
        if inline > MAX_INLINE_IMAGES:
            raise ValueError(
                f"at most {MAX_INLINE_IMAGES} images may be sent inline as data URLs; "
                "upload the rest (POST /api/v1/uploads) and pass their up- ids"
            )
        return images


class HandmadeIndicators(BaseModel):
    """Measured signs of hand work."""

    texture_irregularity: float
    edge_variation: float
    color_variation: float
    tool_marks: list[str]


class AnalyzeAuthenticityResult(BaseModel):
    """Authenticity score 0-100 with the evidence behind it."""

    authenticity_score: float = Field(ge=0, le=100)
    handmade_indicators: HandmadeIndicators
    mass_production_flags: list[str]
    style_consistency: float | None
    confidence: float
    requires_manual_review: bool
    product_id: str | None = None
    review_id: int | None = None
    model: dict[str, Any] = {}
    per_image: list[dict[str, float]] = []


@tool("analyze_authenticity", roles=("creator", "admin"))
def analyze_authenticity(
    ctx: ToolContext, args: AnalyzeAuthenticityArgs
) -> AnalyzeAuthenticityResult:
    """Score how hand-made the photographed piece looks (0-100) and list the evidence.

    Use it for "is this photo authentic", "check my product image", "verify handmade".
    A score below 60 means the listing needs manual review.
    """
    data_dir = _data_dir(ctx)
    model = classifier.default_model(data_dir / "models" if data_dir else None)
    with ctx.store.session() as s:
        product = None
        if args.product_id:
            product = s.get(Product, args.product_id)
            if product is None:
                raise NotFound(f"no product {args.product_id}", field="product_id")
            if ctx.role != "admin" and product.creator_id != ctx.user_id:
                raise PermissionDenied(
                    f"{args.product_id} belongs to another creator", field="product_id"
                )
        images = [
            load_image(s, ref, _media_root(ctx), field=f"images.{i}")[0]
            for i, ref in enumerate(args.images)
        ]
        maker = product.creator_id if product else (ctx.user_id if ctx.role == "creator" else None)
        history = _history(s, maker, exclude=set(args.images), media_root=_media_root(ctx))
        # Records name the photos; an inline one is named, not copied (it may be megabytes).
        named = [ref if not ref.startswith("data:") else "(inline image)" for ref in args.images]
        report = authenticity.analyze(
            images,
            args.category,
            model,
            claimed_techniques=args.claimed_techniques,
            history=history,
        )
        review_id = None
        if product is not None:
            product.authenticity_score = report.authenticity_score
            if report.requires_manual_review:
                item, _ = moderation.enqueue(
                    s,
                    kind="authenticity",
                    target_type="product",
                    target_id=product.id,
                    seller_id=product.creator_id,
                    score=report.authenticity_score,
                    reason=f"authenticity score {report.authenticity_score:.0f} is below 60",
                    evidence={"flags": report.mass_production_flags, "images": named},
                    actor=ctx.user_id,
                )
                review_id = item.id
        audit.append(
            s,
            actor=ctx.user_id,
            action="authenticity_analysis",
            target=args.product_id or "-",
            details={
                "score": report.authenticity_score,
                "images": named,
                "requires_manual_review": report.requires_manual_review,
            },
        )
    return AnalyzeAuthenticityResult(
        authenticity_score=report.authenticity_score,
        handmade_indicators=HandmadeIndicators.model_validate(report.handmade_indicators),
        mass_production_flags=report.mass_production_flags,
        style_consistency=report.style_consistency,
        confidence=report.confidence,
        requires_manual_review=report.requires_manual_review,
        product_id=args.product_id,
        review_id=review_id,
        per_image=report.per_image,
        model={
            "held_out_accuracy": round(model.held_out_accuracy, 3),
            "held_out_images": model.held_out_n,
            "note": "accuracy measured on synthetic renderings, not real photographs",
        },
    )


def _history(
    session,
    creator_id: str | None,
    *,
    exclude: set[str],  # Session
    media_root: Path | None,
) -> list:
    """The creator's most recent earlier listing photos (primary ones), for style."""
    if not creator_id:
        return []
    refs: list[str] = []
    for p in session.scalars(
        select(Product).where(Product.creator_id == creator_id).order_by(Product.created_at.desc())
    ):
        keys = [i["key"] if isinstance(i, dict) else str(i) for i in p.images or []]
        if keys and keys[0] not in exclude:
            refs.append(keys[0])
        if len(refs) >= HISTORY_IMAGES:
            break
    out = []
    for ref in refs:
        try:
            out.append(load_image(session, ref, media_root)[0])
        except NotFound:
            continue  # photos not generated yet: style is judged on what exists
    return out


class ImageTheftArgs(BaseModel):
    """Arguments of ``image_theft_check``."""

    image: ImageRef = Field(
        min_length=1, description="The photo: upload id, img- key, data URL or path"
    )
    reported_seller_id: str = Field(
        max_length=6, pattern=r"^c-\d{4}$", description="The seller accused of copying it"
    )


class TheftMatchOut(BaseModel):
    """A listing showing (nearly) the same photo."""

    product_id: str | None
    seller_id: str | None
    image: str
    similarity: float


class ImageTheftResult(BaseModel):
    """Best similarity with the reported seller's photos; flagged when ≥ 0.9."""

    similarity: float = Field(ge=0, le=1)
    matches: list[TheftMatchOut]
    flagged: bool
    reported_seller_id: str
    review_id: int | None = None
    threshold: float = 0.9


@tool("image_theft_check", roles=("creator", "admin"))
def image_theft_check(ctx: ToolContext, args: ImageTheftArgs) -> ImageTheftResult:
    """Check whether a seller is showing a copy of a photo (stolen product images).

    Use it for "someone stole my photo", "c-0123 is using my picture". Similarity of 0.9 or
    more flags the reported account for a moderator. A creator reports copies of their own
    listed photos only (older than the copy); admins may check any photo.
    """
    with ctx.store.session() as s:
        image, _ = load_image(s, args.image, _media_root(ctx), field="image")
        report = theft.check_theft(
            s,
            image,
            reported_seller_id=args.reported_seller_id,
            reporter_id=ctx.user_id,
            reporter_role=ctx.role,
            image_ref=args.image if not args.image.startswith("data:") else "(inline image)",
        )
    return ImageTheftResult(
        similarity=round(report.similarity, 3),
        matches=[TheftMatchOut(**m.__dict__) for m in report.matches],
        flagged=report.flagged,
        reported_seller_id=report.reported_seller_id,
        review_id=report.review_id,
    )


class FraudCheckArgs(BaseModel):
    """Arguments of ``fraud_check``."""

    seller_id: CreatorId = Field(description="The seller (creator id) to check")


class FraudCheckResult(BaseModel):
    """Risk and reseller scores 0-100, the evidence report and the recommended action."""

    seller_id: str
    fraud_risk_score: float = Field(ge=0, le=100)
    reseller_score: float = Field(ge=0, le=100)
    anomaly_score: float
    requires_review: bool
    rules_triggered: list[str]
    evidence: dict[str, Any]
    recommended_action: Literal["no_action", "warning", "manual_review", "suspend"]
    review_id: int | None = None


@tool("fraud_check", roles=("admin",))
def fraud_check(ctx: ToolContext, args: FraudCheckArgs) -> FraudCheckResult:
    """Assess a seller for fraud and reselling: scores, evidence and a recommended action.

    Admins only. Use it for "check seller c-0297 for fraud", "is c-0142 a reseller".
    """
    with ctx.store.session() as s:
        report, review_id = fraud.check_seller(s, args.seller_id, actor=ctx.user_id)
    return FraudCheckResult(
        seller_id=report.seller_id,
        fraud_risk_score=report.fraud_risk_score,
        reseller_score=report.reseller_score,
        anomaly_score=report.anomaly_score,
        requires_review=report.requires_review,
        rules_triggered=report.rules,
        evidence=report.evidence,
        recommended_action=report.recommended_action,  # type: ignore[arg-type]  # one of ACTIONS
        review_id=review_id,
    )
