"""The marketplace's fixed skeleton: creators, clusters and listings.

Which cluster each creator works in, how many listings each has, and which creators and products
carry the planted anomalies.

The skeleton does not depend on the seed, so the ids in ``PLANTED`` hold for every seed; the
seed varies everything else (names, places, prices, texts, dates, orders, sales).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from domain.catalog import CLUSTERS
from domain.seed.common import cid, pid

LAYOUT_SEED = 20_261_101
N_CREATORS = 320
N_BUYERS = 600

C0001 = 1  # Jaipur blue pottery; tests rely on it having orders in every status
C0003 = 3  # a Banarasi silk weaver (the eval dataset's pricing persona)
RESELLER = 297  # lists 64 generic sarees in one afternoon
RESELLER_LISTINGS = 64
COMPLAINT_HEAVY = 142  # a Kolhapuri chappal maker whose buyers keep complaining

# Relative size of each cluster's artisan population on the marketplace.
CLUSTER_WEIGHTS = {
    "k-001": 16, "k-002": 18, "k-003": 22, "k-004": 14, "k-005": 14, "k-006": 8, "k-007": 14,
    "k-008": 16, "k-009": 10, "k-010": 8, "k-011": 10, "k-012": 7, "k-013": 16, "k-014": 12,
    "k-015": 12, "k-016": 7, "k-017": 14, "k-018": 10, "k-019": 10, "k-020": 12, "k-021": 10,
    "k-022": 12, "k-023": 10, "k-024": 10, "k-025": 14,
}
FIXED_CLUSTERS = {C0001: "k-002", C0003: "k-003", RESELLER: "k-003", COMPLAINT_HEAVY: "k-022"}

# Overpriced listings: (cluster, kind) of cheap everyday pieces priced at 3.5-5x the norm.
OVERPRICED_KINDS = (("k-009", "mug"), ("k-001", "spinning top"), ("k-021", "basket"),
                    ("k-022", "chappal"), ("k-019", "vase"), ("k-008", "bell"))
# Reused images: the original's (cluster, kind), then the copies' clusters (same kind);
# "reseller" copies go to the reseller's listings.
REUSE_GROUPS = (("k-003", "saree", ("reseller", "k-023")),
                ("k-013", "saree", ("reseller", "k-007")),
                ("k-002", "vase", ("k-009",)),
                ("k-025", "necklace", ("k-025",)))
N_TRENDING = 12


@dataclass(frozen=True)
class Layout:
    """Creator ``i`` (1-based) works in ``clusters[i-1]``.

    They own products ``first_product[i-1] .. first_product[i-1] + product_counts[i-1] - 1``.
    """

    clusters: tuple[str, ...]
    product_counts: tuple[int, ...]
    first_product: tuple[int, ...]
    forced_kinds: dict[int, str] = field(default_factory=dict)  # product number -> kind
    overpriced: tuple[int, ...] = ()
    reuse: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (original, copies) product numbers
    trending: tuple[int, ...] = ()
    early_creators: frozenset[int] = frozenset()  # joined before the sales window opens

    @property
    def n_products(self) -> int:
        """Total listings."""
        return sum(self.product_counts)

    def products_of(self, creator: int) -> range:
        """Product numbers of creator ``creator``."""
        start = self.first_product[creator - 1]
        return range(start, start + self.product_counts[creator - 1])

    def creator_of(self, product: int) -> int:
        """The creator index owning product number ``product``."""
        return int(np.searchsorted(np.asarray(self.first_product), product, side="right"))

    def planted(self) -> dict[str, list[str]]:
        """The planted anomalies as ids (see ``domain.seed.anomalies.PLANTED``)."""
        reused = sorted({p for orig, copies in self.reuse for p in (orig, *copies)})
        return {
            "reseller_creators": [cid(RESELLER)],
            "reseller_products": [pid(p) for p in self.products_of(RESELLER)],
            "reused_image_products": [pid(p) for p in reused],
            "reused_image_originals": [pid(orig) for orig, _ in self.reuse],
            "overpriced_products": [pid(p) for p in self.overpriced],
            "complaint_heavy_creators": [cid(COMPLAINT_HEAVY)],
            "trending_products": [pid(p) for p in self.trending],
        }


def _allocate(total: int) -> list[str]:
    """Cluster of every creator slot: largest-remainder shares of ``CLUSTER_WEIGHTS``."""
    ids = [c.id for c in CLUSTERS]
    weights = np.array([CLUSTER_WEIGHTS[i] for i in ids], dtype=float)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]:
        counts[i] += 1
    return [cluster for cluster, n in zip(ids, counts, strict=True) for _ in range(int(n))]


@lru_cache(maxsize=1)
def layout() -> Layout:
    """The one skeleton (cached; pure function of the constants above)."""
    rng = np.random.default_rng(LAYOUT_SEED)
    pool = _allocate(N_CREATORS)
    for cluster in FIXED_CLUSTERS.values():
        pool.remove(cluster)
    order = rng.permutation(len(pool))
    free = iter(pool[int(i)] for i in order)
    clusters = [FIXED_CLUSTERS.get(i) or next(free) for i in range(1, N_CREATORS + 1)]

    counts = np.clip(np.rint(rng.lognormal(np.log(9.5), 0.35, N_CREATORS)), 4, 22).astype(int)
    counts[C0001 - 1] = 14
    counts[RESELLER - 1] = RESELLER_LISTINGS
    first = np.concatenate([[1], 1 + np.cumsum(counts)[:-1]])
    base = Layout(tuple(clusters), tuple(int(c) for c in counts), tuple(int(f) for f in first))

    special = {C0001, C0003, RESELLER, COMPLAINT_HEAVY}
    used: set[int] = set()  # creators already carrying a planted product

    def creator_in(cluster: str) -> int:
        for i, c in enumerate(clusters, start=1):
            if c == cluster and i not in special and i not in used:
                used.add(i)
                return i
        raise ValueError(f"no free creator in {cluster}")

    forced: dict[int, str] = {}
    overpriced = []
    for cluster, kind in OVERPRICED_KINDS:
        product = base.products_of(creator_in(cluster))[1]
        forced[product] = kind
        overpriced.append(product)

    reseller_products = iter(base.products_of(RESELLER))
    reuse = []
    sharing = set()  # creators on both sides of a reused image: listed early in the window
    for cluster, kind, copy_clusters in REUSE_GROUPS:
        owner = creator_in(cluster)
        sharing.add(owner)
        original = base.products_of(owner)[0]
        forced[original] = kind
        copies = []
        for target in copy_clusters:
            if target == "reseller":
                product = next(reseller_products)
            else:
                thief = creator_in(target)
                sharing.add(thief)
                product = base.products_of(thief)[0]
            forced[product] = kind
            copies.append(product)
        reuse.append((original, tuple(copies)))

    trending = []
    for i in range(7, N_CREATORS + 1, 26):
        while i in special or i in used:
            i += 1
        used.add(i)
        trending.append(base.products_of(i)[-1])
    return Layout(
        base.clusters, base.product_counts, base.first_product, forced,
        tuple(overpriced), tuple(reuse), tuple(trending[:N_TRENDING]),
        frozenset({C0001, C0003, COMPLAINT_HEAVY, *sharing}),
    )
