"""``craft_clusters`` and ``heritage_trail``: where crafts are made, and routes to visit them."""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.catalog import CLUSTERS
from domain.clusters import ClusterSite, CreatorPoint, assign, discover, endangered_crafts
from domain.errors import InsufficientData, InvalidInput, NotFound
from domain.geodesy import haversine_km
from domain.places import Gazetteer, Place
from domain.store.models import Cluster, Creator, DailySales
from domain.trails import Trail, build_trail, trail_groups
from domain.vocabulary import Vocabulary
from tools.common import PlaceArg, home_of, resolve_place
from tools.registry import ToolContext, tool

log = logging.getLogger(__name__)


def _points(s: Session) -> tuple[list[CreatorPoint], dict[str, Creator]]:
    creators = list(
        s.scalars(select(Creator).where(Creator.status == "active").order_by(Creator.id))
    )
    return [CreatorPoint(c.id, c.lat, c.lon, c.primary_craft) for c in creators], {
        c.id: c for c in creators
    }


def _sites(s: Session) -> list[ClusterSite]:
    return [
        ClusterSite(
            k.id,
            k.name,
            k.lat,
            k.lon,
            [k.craft, *[c for c in (k.primary_crafts or []) if c != k.craft]],
            specializations=list(dict.fromkeys([*(k.techniques or []), *(k.materials or [])])),
            history=k.description,
            endangered=k.endangered,
        )
        for k in s.scalars(select(Cluster).order_by(Cluster.id))
    ]


def practitioner_counts(s: Session, days: int = 365) -> tuple[dict[str, int], dict[str, int]]:
    """Creators with sales per craft in the last ``days`` and in the ``days`` before."""
    end = s.scalar(select(func.max(DailySales.day))) or dt.date.today()
    mid, start = end - dt.timedelta(days=days), end - dt.timedelta(days=2 * days)

    def count(lo: dt.date, hi: dt.date) -> dict[str, int]:
        rows = s.execute(
            select(Creator.primary_craft, func.count(func.distinct(DailySales.creator_id)))
            .join(Creator, Creator.id == DailySales.creator_id)
            .where(DailySales.day > lo, DailySales.day <= hi, Creator.status == "active")
            .group_by(Creator.primary_craft)
        ).all()
        return {craft.casefold(): n for craft, n in rows}

    return count(mid, end), count(start, mid)


def _making(craft: str, sites: list[ClusterSite]) -> set[str]:
    """The sites that make ``craft``, however it is said.

    By its name or a part of it ("bidri", "Dhokra casting"), by another name the shared
    vocabulary knows ("dokra", "glass bangles" → Firozabad glass); failing those, by its kind
    ("wooden toys", "pottery": every cluster of that category).
    """
    said = craft.casefold().strip()
    found = Vocabulary.default().find(said, kinds=("craft", "category"), fuzzy=False)
    names = {m.entry.canonical.casefold() for m in found if m.entry.kind == "craft"}
    ids = {m.entry.cluster_id for m in found if m.entry.cluster_id}

    # Words count as well as whole names: "channapatna toys" and "wooden toys" are both the
    # cluster "Channapatna wooden lacquer toys", "pochampally" is "Pochampally ikat weaving".
    wanted = [_words(said), *(_words(n) for n in names)]

    def named(site: ClusterSite) -> bool:
        crafts = [c.casefold() for c in site.crafts]
        own = _words(" ".join([site.name, *site.crafts]))
        return (site.id in ids or any(said in c for c in crafts)
                or any(n in c for c in crafts for n in names)
                or any(w and w <= own for w in wanted))

    direct = {site.id for site in sites if named(site)}
    if direct:
        return direct
    kinds = {m.entry.category for m in found if m.entry.kind == "category"}
    catalog = {c.id: c.category for c in CLUSTERS}
    return {site.id for site in sites if catalog.get(site.id) in kinds}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.casefold()))


def state_named(location: object) -> str | None:
    """The Indian state a location names ("Rajasthan", "gujrat", "Kashmir"); ``None`` otherwise.

    A town ("Jaipur") or coordinates are a centre to measure from; a state is an area to list.
    """
    if not isinstance(location, str):
        return None
    entry = Vocabulary.default().canonical("region", location)
    return entry.canonical if entry is not None and entry.cluster_id is None else None


def _site_states(known: dict[str, str], sites: list[ClusterSite],
                 creators: dict[str, Creator]) -> dict[str, str]:
    """Each site's state, folded.

    A catalogued cluster's own; a discovered one's is its creators' most common.
    """
    states = dict(known)
    for site in sites:
        regions = [creators[c].region for c in site.creator_ids if c in creators]
        if site.id not in states and regions:
            states[site.id] = max(sorted(set(regions)), key=regions.count)
    return {k: v.casefold() for k, v in states.items()}


class CraftClustersArgs(BaseModel):
    """Arguments of ``craft_clusters``; all optional."""

    location: PlaceArg | None = None
    radius_km: float | None = Field(
        default=None, gt=0, le=5000, description="Only clusters this close"
    )
    craft: str | None = Field(default=None, max_length=80, description="e.g. 'blue pottery'")
    endangered_only: bool = Field(
        default=False, description="Only clusters whose craft is endangered"
    )


class ClusterLine(BaseModel):
    """One cluster on the craft map."""

    id: str
    name: str
    lat: float
    lon: float
    creator_count: int
    primary_crafts: list[str]
    endangered: bool
    endangered_reason: str | None = None
    specializations: list[str] = []
    history: str = ""
    distance_km: float | None = None


class CraftClustersResult(BaseModel):
    """Clusters, known and newly found, with endangered crafts flagged."""

    clusters: list[ClusterLine]
    unassigned_creators: int = 0


@tool("craft_clusters", roles="any")
def craft_clusters(ctx: ToolContext, args: CraftClustersArgs) -> CraftClustersResult:
    """Map India's craft clusters: where each craft is made and who makes it.

    Also how many creators work there and which crafts are endangered (under 50 active practitioners
    or declining). Filter by place (a town, or a state for every cluster in it), radius in km,
    craft, and endangered crafts only.
    """
    state = state_named(args.location)
    with ctx.store.session() as s:
        points, creators = _points(s)
        sites = _sites(s)
        now, before = practitioner_counts(s)
        known = {k: v for k, v in s.execute(select(Cluster.id, Cluster.state))}
    placed = assign(points, sites)
    loose = [p for p in points if placed[p.id] is None]
    sites += discover(loose)
    if state is not None:
        states = _site_states(known, sites, creators)
        in_state = [site for site in sites if states.get(site.id) == state.casefold()]
        if not in_state and Gazetteer.default().exact(str(args.location)) is None:
            return CraftClustersResult(clusters=[], unassigned_creators=len(loose))
        # A state without clusters but with a city of its name ("Delhi") is a centre instead.
        sites, state = (in_state, state) if in_state else (sites, None)
    center = None
    if args.location is not None and state is None:
        center = resolve_place(args.location, ctx)
    elif args.location is None and args.radius_km is not None:
        # "clusters within 100 km of me": measured from the caller's registered place
        center = home_of(ctx.store, ctx.user_id)
        if center is None:
            raise InvalidInput("a radius needs a location to measure from", field="location")
    flagged = endangered_crafts(now, before)
    making = _making(args.craft, sites) if args.craft else set()
    lines = []
    for site in sites:
        reason = next((flagged[c.casefold()] for c in site.crafts if c.casefold() in flagged), None)
        km = float(haversine_km(site.lat, site.lon, center.lat, center.lon)) if center else None
        if args.craft and site.id not in making:
            continue
        if args.radius_km is not None and km is not None and km > args.radius_km:
            continue
        if args.endangered_only and not (reason or site.endangered):
            continue
        lines.append(
            ClusterLine(
                id=site.id,
                name=site.name,
                lat=site.lat,
                lon=site.lon,
                creator_count=len(site.creator_ids),
                primary_crafts=site.crafts,
                endangered=bool(reason) or site.endangered,
                endangered_reason=reason
                or ("listed as endangered in the craft catalogue" if site.endangered else None),
                specializations=site.specializations,
                history=site.history,
                distance_km=round(km, 1) if km is not None else None,
            )
        )
    lines.sort(key=lambda c: (c.distance_km if c.distance_km is not None else 0.0, c.id))
    return CraftClustersResult(clusters=lines, unassigned_creators=len(loose))


class HeritageTrailArgs(BaseModel):
    """Arguments of ``heritage_trail``: a cluster, or a craft and/or region."""

    cluster_id: str | None = Field(
        default=None, max_length=5, pattern=r"^k-\d{3}$", description="A cluster id like k-002"
    )
    craft: str | None = Field(default=None, max_length=80, description="e.g. 'bidriware'")
    region: PlaceArg | None = Field(
        default=None, description="A state or a place the trail should be near"
    )


class WaypointLine(BaseModel):
    """One stop."""

    creator_id: str
    name: str = ""
    lat: float
    lon: float
    narrative: str
    source: str | None = Field(
        default=None, description="The heritage document the stop's story comes from"
    )


class HeritageTrailResult(BaseModel):
    """An ordered route with a narrative per stop."""

    name: str
    craft: str
    cluster_id: str | None = None
    waypoints: list[WaypointLine]
    distance_km: float
    estimated_duration_min: int
    description: str
    sources: list[str] = Field(
        default_factory=list, description="Heritage documents the stories come from"
    )


class _Narrator:
    """Each stop's story: its maker in their own words, and its craft's heritage.

    The heritage is a passage of the craft's heritage document (a different one per stop: history,
    technique, specialities, how to tell genuine work). Where the knowledge base has no document,
    the cluster's description serves.
    """

    def __init__(self, ctx: ToolContext, creators: dict[str, Creator], history: dict[str, str]):
        self.ctx, self.creators, self.history = ctx, creators, history
        self.cluster_id: str | None = None
        self.sources: dict[str, str] = {}  # creator id → doc id
        self._stories: dict[str, list[Any]] = {}
        self._told: dict[str, int] = {}

    def stories(self, craft: str) -> list[Any]:
        key = craft.casefold()
        if key not in self._stories:
            self._stories[key] = _heritage_stories(self.ctx, craft, self.cluster_id)
        return self._stories[key]

    def __call__(self, craft: str, creator_id: str) -> str:
        c = self.creators[creator_id]
        own = (c.story or c.bio or "").split(". ")[0].rstrip(".")
        maker = f"{c.name}, {c.years_experience} years of {craft}" + (
            f" ({c.address})" if c.address else ""
        )
        stories = self.stories(craft)
        if stories:
            n = self._told.get(craft.casefold(), 0)
            self._told[craft.casefold()] = n + 1
            # the opening passage describes the whole trail; the stops tell the rest
            told = stories[1:] or stories
            story = told[n % len(told)]
            heritage = story.text
            self.sources[creator_id] = story.doc_id
        else:
            heritage = self.history.get(craft.casefold(), "")
        return " ".join(t for t in (f"{maker}.", f"{own}." if own else "", heritage) if t)

    def intro(self, craft: str, fallback: str) -> str:
        stories = self.stories(craft)
        return stories[0].text if stories else fallback


def _heritage_stories(ctx: ToolContext, craft: str, cluster_id: str | None) -> list[Any]:
    """The craft's story passages from the heritage knowledge base configured for this call.

    None when the call's config has no knowledge base (a bare registry call) or it fails.
    """
    config = ctx.config.knowledge
    if config is None:
        return []
    try:
        from knowledge.service import get_knowledge_base

        return get_knowledge_base(config).stories(craft, cluster_id)
    except Exception:  # a trail without heritage text is still a trail
        log.warning("heritage knowledge unavailable for trail narratives", exc_info=True)
        return []


TOWN_KM = 10.0  # groups of makers this much nearer a town rank before bigger ones further off


def _region_filter(
    ctx: ToolContext, points: list[CreatorPoint], creators: dict[str, Creator], region: Any
) -> tuple[list[CreatorPoint], Place | None]:
    """The creators of a state, or within 100 km of a place (and that place, to rank by)."""
    if isinstance(region, str) and any(
        c.region.casefold() == region.casefold() for c in creators.values()
    ):
        return [p for p in points if creators[p.id].region.casefold() == region.casefold()], None
    place = resolve_place(region, ctx)
    near = [p for p in points if float(haversine_km(p.lat, p.lon, place.lat, place.lon)) <= 100.0]
    return near, place


def _best_group(groups: list[list[CreatorPoint]], place: Place | None) -> list[CreatorPoint]:
    """The largest group of makers; near a town, the group in that town first.

    "A trail in Bagru" is Bagru's block printers even though Jaipur's blue potters, 30 km
    away, are more: groups rank by their median distance from the town (in steps of
    ``TOWN_KM``), then by size.
    """
    def rank(g: list[CreatorPoint]) -> tuple[int, int, int]:
        steps = 0
        if place is not None:
            km = statistics.median(float(haversine_km(p.lat, p.lon, place.lat, place.lon))
                                   for p in g)
            steps = int(km // TOWN_KM)
        return steps, -len(g), ord(g[0].id[-1])

    return min(groups, key=rank)


@tool("heritage_trail", roles="any")
def heritage_trail(ctx: ToolContext, args: HeritageTrailArgs) -> HeritageTrailResult:
    """Plan a heritage trail: a short route through artisans' workshops.

    The route covers one craft cluster or craft/region, with the story of each stop and how long the
    visit takes.
    """
    with ctx.store.session() as s:
        points, creators = _points(s)
        sites = _sites(s)
    history = {c.casefold(): site.history for site in sites for c in site.crafts}
    narrate = _Narrator(ctx, creators, history)
    if args.cluster_id:
        site = next((k for k in sites if k.id == args.cluster_id), None)
        if site is None:
            raise NotFound(f"no cluster {args.cluster_id}", field="cluster_id")
        assign(points, sites)
        members = [p for p in points if p.id in set(site.creator_ids)]
        narrate.cluster_id = site.id
        trail = build_trail(
            f"{site.name} heritage trail",
            site.crafts[0],
            members,
            narrate,
            narrate.intro(site.crafts[0], site.history),
        )
        return _result(trail, creators, site.id, narrate.sources)
    chosen = points
    if args.craft:
        # However the craft is said ("channapatna", "wooden toys"): the crafts of the clusters
        # that make it, or the creator's own words for it.
        making = _making(args.craft, sites)
        crafts = {c.casefold() for site in sites if site.id in making for c in site.crafts}
        said = args.craft.casefold()
        chosen = [p for p in chosen if said in p.craft.casefold() or p.craft.casefold() in crafts]
    place: Place | None = None
    if args.region is not None:
        chosen, place = _region_filter(ctx, chosen, creators, args.region)
    groups = trail_groups(chosen)
    if not groups:
        raise InsufficientData(
            "no three creators of one craft lie within 50 km of each other here",
            field="craft" if args.craft else "region",
        )
    best = _best_group(groups, place)
    craft = best[0].craft
    town = creators[best[0].id].region
    narrate.cluster_id = creators[best[0].id].cluster_id
    trail = build_trail(
        f"{craft} trail, {town}",
        craft,
        best,
        narrate,
        narrate.intro(craft, history.get(craft.casefold(), "")),
    )
    return _result(trail, creators, creators[best[0].id].cluster_id, narrate.sources)


def _result(
    trail: Trail, creators: dict[str, Creator], cluster_id: str | None, sources: dict[str, str]
) -> HeritageTrailResult:
    return HeritageTrailResult(
        name=trail.name,
        craft=trail.craft,
        cluster_id=cluster_id,
        waypoints=[
            WaypointLine(
                creator_id=w.creator_id,
                name=creators[w.creator_id].name,
                lat=w.lat,
                lon=w.lon,
                narrative=w.narrative,
                source=sources.get(w.creator_id),
            )
            for w in trail.waypoints
        ],
        distance_km=trail.distance_km,
        estimated_duration_min=trail.estimated_duration_min,
        description=trail.description,
        sources=sorted(set(sources.values())),
    )
