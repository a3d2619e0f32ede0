"""Reference facts about Indian crafts: clusters at their real towns, categories and vocabulary.

Coordinates are public gazetteer facts (town centres, rounded to about 100 m). The seed, the
gazetteer and the planners all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.geodesy import check_coordinates
from domain.store.models import CATEGORIES


@dataclass(frozen=True)
class CraftCluster:
    """A real craft town: where it is and what is made there."""

    id: str
    craft: str
    town: str
    state: str
    lat: float
    lon: float
    category: str
    materials: tuple[str, ...]
    techniques: tuple[str, ...]
    products: tuple[str, ...]
    gi_tag: bool = True
    endangered: bool = False
    aliases: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        check_coordinates(self.lat, self.lon, f"cluster {self.id}")

    @property
    def name(self) -> str:
        """Display name, e.g. ``Jaipur blue pottery`` (``Madhubani painting``: not doubled)."""
        if self.craft.casefold().startswith(self.town.casefold()):
            return self.craft[:1].upper() + self.craft[1:]
        return f"{self.town} {self.craft}"


CLUSTERS: tuple[CraftCluster, ...] = (
    CraftCluster("k-001", "wooden lacquer toys", "Channapatna", "Karnataka", 12.6518, 77.2089,
                 "toys", ("wood", "lac", "natural dye"), ("lacquerware", "wood turning"),
                 ("toy", "spinning top", "doll", "train set", "rattle")),
    CraftCluster("k-002", "blue pottery", "Jaipur", "Rajasthan", 26.9124, 75.7873,
                 "pottery", ("quartz", "glass", "multani mitti"), ("glazing", "hand painting"),
                 ("vase", "plate", "tile", "bowl", "door knob"), aliases=("blue pottery",)),
    CraftCluster("k-003", "Banarasi silk", "Varanasi", "Uttar Pradesh", 25.3176, 82.9739,
                 "textiles", ("silk", "zari"), ("hand weaving", "brocade"),
                 ("saree", "dupatta", "stole", "brocade fabric"),
                 aliases=("banaras", "benares", "kashi")),
    CraftCluster("k-004", "Madhubani painting", "Madhubani", "Bihar", 26.3537, 86.0716,
                 "painting", ("handmade paper", "natural dye", "cloth"), ("hand painting",
                                                                          "line drawing"),
                 ("painting", "wall hanging", "greeting card", "painted saree")),
    CraftCluster("k-005", "Kutch embroidery", "Bhuj", "Gujarat", 23.2420, 69.6669,
                 "textiles", ("cotton", "silk thread", "mirror"), ("embroidery", "mirror work"),
                 ("cushion cover", "wall hanging", "shawl", "bag"), aliases=("kutch", "kachchh")),
    CraftCluster("k-006", "bidriware", "Bidar", "Karnataka", 17.9104, 77.5199,
                 "metalware", ("zinc", "copper", "silver"), ("silver inlay", "casting"),
                 ("vase", "box", "hookah base", "bowl", "jewellery box")),
    CraftCluster("k-007", "ikat weaving", "Pochampally", "Telangana", 17.3473, 78.8195,
                 "textiles", ("cotton", "silk"), ("ikat", "tie dye", "hand weaving"),
                 ("saree", "dupatta", "bedsheet", "fabric"), aliases=("bhoodan pochampally",)),
    CraftCluster("k-008", "brassware", "Moradabad", "Uttar Pradesh", 28.8386, 78.7733,
                 "metalware", ("brass",), ("engraving", "casting", "embossing"),
                 ("lamp", "vase", "plate", "idol", "bell")),
    CraftCluster("k-009", "Khurja pottery", "Khurja", "Uttar Pradesh", 28.2514, 77.8540,
                 "pottery", ("clay", "ceramic glaze"), ("wheel throwing", "glazing"),
                 ("mug", "vase", "planter", "dinner set", "jar")),
    CraftCluster("k-010", "Dhokra casting", "Kondagaon", "Chhattisgarh", 19.5916, 81.6640,
                 "metalware", ("brass", "bell metal", "beeswax"), ("lost wax casting",),
                 ("figurine", "elephant", "lamp", "tribal figure"), endangered=True,
                 aliases=("bastar", "dhokra")),
    CraftCluster("k-011", "Pipli applique", "Pipli", "Odisha", 20.1149, 85.8315,
                 "home_decor", ("cotton", "felt"), ("applique", "patchwork"),
                 ("canopy", "lamp shade", "wall hanging", "umbrella", "bag")),
    CraftCluster("k-012", "Kishangarh miniature painting", "Kishangarh", "Rajasthan", 26.5900,
                 74.8540,
                 "painting", ("natural pigment", "handmade paper", "gold leaf"),
                 ("miniature painting",),
                 ("painting", "bani thani portrait", "framed miniature"), endangered=True),
    CraftCluster("k-013", "Kanchipuram silk", "Kanchipuram", "Tamil Nadu", 12.8342, 79.7036,
                 "textiles", ("silk", "zari"), ("hand weaving", "korvai"),
                 ("saree", "silk fabric", "stole"), aliases=("kanjeevaram", "kancheepuram")),
    CraftCluster("k-014", "Bagru block printing", "Bagru", "Rajasthan", 26.8090, 75.5430,
                 "textiles", ("cotton", "natural dye"), ("block printing", "dabu printing"),
                 ("bedsheet", "kurta fabric", "tablecloth", "scarf")),
    CraftCluster("k-015", "Saharanpur wood carving", "Saharanpur", "Uttar Pradesh", 29.9640,
                 77.5460,
                 "woodwork", ("sheesham wood", "brass wire"), ("wood carving", "jaali work"),
                 ("jewellery box", "screen", "side table", "tray")),
    CraftCluster("k-016", "Kondapalli toys", "Kondapalli", "Andhra Pradesh", 16.6190, 80.5410,
                 "toys", ("tella poniki wood", "natural dye"), ("wood carving", "hand painting"),
                 ("toy", "dancing doll", "elephant", "village set"), endangered=True),
    CraftCluster("k-017", "Pashmina and papier-mache", "Srinagar", "Jammu and Kashmir", 34.0837,
                 74.7973,
                 "textiles", ("pashmina wool", "papier mache"), ("hand spinning", "hand weaving",
                                                                 "sozni embroidery"),
                 ("shawl", "stole", "papier mache box"), aliases=("kashmir",)),
    CraftCluster("k-018", "Pattachitra", "Raghurajpur", "Odisha", 19.9240, 85.8270,
                 "painting", ("cloth", "natural pigment", "palm leaf"), ("scroll painting",
                                                                         "palm leaf engraving"),
                 ("painting", "palm leaf manuscript", "wall hanging")),
    CraftCluster("k-019", "Firozabad glass", "Firozabad", "Uttar Pradesh", 27.1592, 78.3957,
                 "glass", ("glass",), ("glass blowing", "glass bangle making"),
                 ("bangle", "chandelier", "glass lamp", "vase")),
    CraftCluster("k-020", "Agra marble inlay", "Agra", "Uttar Pradesh", 27.1767, 78.0081,
                 "stonework", ("marble", "semi precious stone"), ("pietra dura", "stone carving"),
                 ("table top", "coaster", "box", "plate")),
    CraftCluster("k-021", "Tripura bamboo and cane", "Agartala", "Tripura", 23.8315, 91.2868,
                 "basketry", ("bamboo", "cane"), ("basket weaving", "cane weaving"),
                 ("basket", "tray", "lamp shade", "mat")),
    CraftCluster("k-022", "Kolhapuri chappals", "Kolhapur", "Maharashtra", 16.7050, 74.2433,
                 "leather", ("vegetable tanned leather",), ("hand stitching", "leather braiding"),
                 ("chappal", "sandal", "bag")),
    CraftCluster("k-023", "Chanderi weaving", "Chanderi", "Madhya Pradesh", 24.7180, 78.1390,
                 "textiles", ("silk", "cotton", "zari"), ("hand weaving",),
                 ("saree", "dupatta", "fabric")),
    CraftCluster("k-024", "Thanjavur art plates and paintings", "Thanjavur", "Tamil Nadu", 10.7870,
                 79.1378,
                 "painting", ("wood", "gold foil", "gesso"), ("gold leaf painting", "repousse"),
                 ("painting", "art plate")),
    CraftCluster("k-025", "Jaipur kundan jewellery", "Jaipur", "Rajasthan", 26.9196, 75.8235,
                 "jewellery", ("gold", "silver", "glass stone"), ("kundan setting", "meenakari"),
                 ("necklace", "earring", "bangle", "ring")),
)

CLUSTERS_BY_ID = {c.id: c for c in CLUSTERS}

# Words people use for each category; the first matching keyword decides (planners, search).
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "textiles": ("saree", "sari", "textile", "shawl", "stole", "dupatta", "fabric", "silk",
                 "weave", "woven", "ikat", "embroidery", "bedsheet", "kurta", "scarf", "pashmina",
                 "block print", "cushion"),
    "pottery": ("pottery", "pot", "ceramic", "vase", "mug", "planter", "terracotta", "clay"),
    "painting": ("painting", "madhubani", "pattachitra", "miniature", "warli", "canvas",
                 "art plate"),
    "metalware": ("brass", "metal", "bidri", "dhokra", "bell metal", "copper", "lamp", "diya"),
    "woodwork": ("wood carving", "woodwork", "wooden", "carved", "furniture", "sheesham"),
    "jewellery": ("jewellery", "jewelry", "necklace", "earring", "ring", "kundan", "bangle"),
    "toys": ("toy", "doll", "channapatna", "kondapalli", "spinning top"),
    "home_decor": ("home decor", "decor", "wall hanging", "lamp shade", "applique", "canopy"),
    "basketry": ("basket", "bamboo", "cane", "mat"),
    "leather": ("leather", "chappal", "kolhapuri", "sandal", "jutti"),
    "stonework": ("marble", "stone", "inlay", "soapstone"),
    "glass": ("glass", "glassware", "chandelier"),
}

assert set(CATEGORY_KEYWORDS) == set(CATEGORIES)
