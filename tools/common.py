"""Argument types shared by several tools: places, coordinates, ids, short words.

Every string and list a caller sends has a bound here or in the tool's model: no field makes
an engine read (or echo back) more than a sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from domain.geocoder import geocoder_for
from domain.places import MAX_NAME_CHARS, Gazetteer, Place
from domain.store import Buyer, Creator, Store
from domain.store.models import CATEGORIES

if TYPE_CHECKING:
    from tools.registry import ToolContext

# The twelve categories of tools.md, as one type every tool shares.
Category = Literal[CATEGORIES]  # type: ignore[valid-type]  # Literal over the constant tuple


class LatLon(BaseModel):
    """A point given as coordinates."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


PlaceName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]
# A craft, material or technique: "blue pottery", "hand block printing".
Word = Annotated[str, StringConstraints(min_length=1, max_length=80)]
ProductId = Annotated[str, StringConstraints(max_length=7, pattern=r"^p-\d{5}$")]
CreatorId = Annotated[str, StringConstraints(max_length=6, pattern=r"^c-\d{4}$")]
ClusterId = Annotated[str, StringConstraints(max_length=5, pattern=r"^k-\d{3}$")]



def _short_place(value: object) -> object:
    # Checked before the union: the error names the field, not a union member.
    if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
        raise ValueError(f"a place name has at most {MAX_NAME_CHARS} characters")
    return value


PlaceArg = Annotated[
    PlaceName | LatLon,
    BeforeValidator(_short_place),
    Field(description='A place name as the user said it ("Jaipur") or {"lat": .., "lon": ..}'),
]


def resolve_place(value: str | LatLon, ctx: ToolContext | None = None) -> Place:
    """Turn a place argument into a :class:`Place` (raises ``UnknownPlace``).

    Names resolve offline; a name the gazetteer does not know exactly is asked of the online
    geocoder when the call's config has one (``QALAKAR_GEOCODER_URL``), before fuzzy
    matching guesses at a sound-alike.
    """
    if isinstance(value, LatLon):
        return Place(f"{value.lat:.4f},{value.lon:.4f}", value.lat, value.lon, kind="point")
    geocoder = geocoder_for(ctx.config.geocoder) if ctx is not None else None
    return Gazetteer.default().resolve(value, geocoder.geocode if geocoder else None)


def home_of(store: Store, user_id: str) -> Place | None:
    """The registered location of a creator or buyer, if the store has one."""
    with store.session() as s:
        creator = s.get(Creator, user_id)
        if creator is not None:
            return Place(creator.address or creator.id, creator.lat, creator.lon, creator.region)
        buyer = s.get(Buyer, user_id)
        if buyer is not None and buyer.lat is not None and buyer.lon is not None:
            return Place(buyer.city or buyer.id, buyer.lat, buyer.lon, buyer.state)
    return None


def media_url(key: str, *, thumb: bool = False) -> str:
    """Where the gateway serves a stored photo (``/media/{key}``, optionally the thumbnail)."""
    return f"/media/{key}?size=thumb" if thumb else f"/media/{key}"
