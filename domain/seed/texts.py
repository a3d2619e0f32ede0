"""Words the seed writes with: cluster heritage notes, production processes, colours and motifs.

Portfolio story templates and review phrases.

Heritage notes state widely published facts about each craft; people's stories are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

# Cluster heritage, one or two sentences each (Cluster.description).
CLUSTER_NOTES: dict[str, str] = {
    "k-001": "Channapatna, the 'toy town' of Karnataka, turns soft wood on lathes and colours it "
             "with lac and vegetable dyes; the tradition is traced to Persian artisans invited in "
             "Tipu Sultan's time.",
    "k-002": "Jaipur blue pottery is made from quartz, glass and multani mitti rather than clay, "
             "painted with cobalt blue and fired at low heat; it reached Jaipur from Persia via "
             "the Mughal courts and flourished under Sawai Ram Singh II.",
    "k-003": "Varanasi's Banarasi brocades weave gold and silver zari into fine silk on handlooms, "
             "a Mughal-era art kept alive by thousands of weaving families in the old city.",
    "k-004": "Madhubani (Mithila) painting began as wall and floor art made by women for weddings "
             "and festivals, drawn in bold lines with natural colours and no empty space.",
    "k-005": "Kutch embroidery is the work of the Rabari, Ahir, Sodha and Meghwal communities, "
             "each with its own stitches and small mirrors (abhla) sewn into cotton and silk.",
    "k-006": "Bidriware, from the Bahmani-era city of Bidar, is a cast zinc-copper alloy inlaid "
             "with silver and blackened with the soil of Bidar fort.",
    "k-007": "Pochampally weavers tie and dye the yarn before weaving (ikat), so the geometric "
             "pattern appears on the loom; the village is one of India's first GI-tagged crafts.",
    "k-008": "Moradabad, the 'brass city' (Pital Nagri), casts, engraves and embosses brass for "
             "homes and temples across India and for export.",
    "k-009": "Khurja in Bulandshahr district makes glazed ceramic tableware and planters, known "
             "for its blue, brown and turquoise glazes.",
    "k-010": "Dhokra is lost-wax casting of brass and bell metal, a technique over 4,000 years "
             "old; in Kondagaon the Ghadwa artisans of Bastar cast tribal figures and lamps.",
    "k-011": "Pipli applique stitches coloured cloth cut-outs onto a base fabric; it began as "
             "canopies and umbrellas for the Jagannath Rath Yatra at Puri.",
    "k-012": "The Kishangarh school of Rajput miniature painting, famous for the Bani Thani "
             "portrait and its elongated eyes, flourished in the 18th century.",
    "k-013": "Kanchipuram silk sarees are woven from mulberry silk and zari, with contrasting "
             "borders interlocked to the body by the korvai technique.",
    "k-014": "In Bagru the Chhipa community prints cotton with carved wooden blocks, natural dyes "
             "and dabu, a mud resist.",
    "k-015": "Saharanpur carves sheesham wood into jaali screens, boxes and furniture, sometimes "
             "inlaid with brass wire.",
    "k-016": "Kondapalli toys are carved from soft tella poniki wood and painted in natural "
             "colours: dancing dolls, the Ambari elephant and village scenes.",
    "k-017": "Kashmir's pashmina is hand-spun from Changthangi goat fibre, hand-woven and often "
             "embroidered with sozni; papier-mache came to the valley from Persia.",
    "k-018": "Raghurajpur near Puri is a heritage crafts village where almost every household "
             "paints Pattachitra cloth scrolls and engraves palm leaves.",
    "k-019": "Firozabad, the 'city of bangles', has made glass for centuries: bangles, chandeliers "
             "and blown glassware.",
    "k-020": "Agra's marble inlay (pietra dura, parchinkari) sets cut semi-precious stones into "
             "white marble, a craft descended from the builders of the Taj Mahal.",
    "k-021": "Tripura's bamboo and cane craft weaves baskets, mats, trays and lamp shades from "
             "locally grown bamboo and cane.",
    "k-022": "Kolhapuri chappals are hand-stitched and braided from vegetable-tanned leather, a "
             "GI-tagged craft of Kolhapur's leatherworkers.",
    "k-023": "Chanderi fabrics are sheer silk-cotton weaves with zari buti motifs, woven on "
             "handlooms in this Madhya Pradesh town for centuries.",
    "k-024": "Thanjavur paintings raise gesso relief under gold foil on wood; Thanjavur art "
             "plates fix repousse figures onto a metal plate.",
    "k-025": "Jaipur's kundan jewellery sets glass and gem stones in refined gold foil, often with "
             "meenakari enamel on the reverse.",
}

# How the work is done, in the artisan's words (Creator.production_process).
PROCESSES: dict[str, str] = {
    "k-001": "I cut ivory wood, season it for months, turn it on the lathe and polish it with lac "
             "sticks coloured with vegetable dyes while it spins.",
    "k-002": "We knead quartz powder, glass and multani mitti into dough, mould and dry it, paint "
             "the designs with cobalt and copper oxides and fire it once at low heat.",
    "k-003": "The warp is set on the handloom, the design is punched into jacquard cards, and the "
             "zari and silk are woven in pick by pick; a saree takes weeks.",
    "k-004": "I draw the outline with a bamboo nib, fill it with colours from flowers, soot and "
             "turmeric, and never leave a space empty.",
    "k-005": "The design is drawn on cotton, then stitched by hand with silk thread; small mirrors "
             "are held in place with a ring of buttonhole stitches.",
    "k-006": "The zinc-copper piece is cast in a sand mould, engraved, inlaid with silver wire or "
             "sheet, then blackened with soil from the fort.",
    "k-007": "We tie the yarn in bundles, dye it section by section, and weave so the pattern "
             "forms on the loom; both warp and weft are tied for double ikat.",
    "k-008": "Brass is cast, turned, then engraved or embossed by hand and polished or given an "
             "antique finish.",
    "k-009": "Clay is thrown on the wheel, dried, biscuit-fired, painted and glazed, then fired a "
             "second time in the kiln.",
    "k-010": "A clay core is covered in beeswax threads and modelled, coated in clay, then molten "
             "brass replaces the wax; every mould is broken, so every piece is one of a kind.",
    "k-011": "Coloured cloth is cut into motifs, folded at the edges and stitched onto the base "
             "cloth; mirrors and borders finish the piece.",
    "k-012": "I grind natural pigments, prepare wasli paper, draw with a fine squirrel-hair brush "
             "and burnish the painting with an agate stone.",
    "k-013": "Pure mulberry silk is dyed, the zari border and pallu are woven separately and "
             "interlocked with the body by korvai on the pit loom.",
    "k-014": "The cloth is washed, printed with carved teak blocks, covered with dabu mud resist "
             "where needed, dyed in indigo or natural colours and sun-dried.",
    "k-015": "Seasoned sheesham is sawn, the design drawn and carved with chisels and mallet, "
             "jaali cut by hand, and the piece finished with wax or lacquer.",
    "k-016": "Tella poniki wood is carved into parts, joined with tamarind paste, coated with "
             "chalk and painted in bright natural colours.",
    "k-017": "Pashmina fibre is combed, hand-spun on the yinder and hand-woven; sozni embroidery "
             "can take months on a single shawl.",
    "k-018": "The cloth is coated with chalk and tamarind gum, the outline drawn freehand, filled "
             "with mineral and vegetable colours, then lacquered.",
    "k-019": "Glass is melted in the furnace, gathered, blown or drawn into coils for bangles, "
             "cut, joined and decorated by hand.",
    "k-020": "Marble is cut and shaped, the design chiselled out, and semi-precious stones are "
             "cut to fit and set one by one, then polished.",
    "k-021": "Bamboo is split into strips, smoothed and dried, then woven by hand into shape; cane "
             "binds the rims.",
    "k-022": "Vegetable-tanned leather is cut, the sole is hand-stitched, the straps braided and "
             "the chappal finished without a single nail.",
    "k-023": "Fine silk and cotton yarns are set on the handloom and the buti motifs are woven in "
             "with extra weft, one by one, using small bobbins.",
    "k-024": "A wooden board is covered with cloth and gesso, the relief is raised, gold foil and "
             "stones are laid, and the painting is finished in bright colours.",
    "k-025": "The piece is made in gold or silver, the back enamelled with meenakari, and the "
             "stones set in pure gold foil (kundan) by hand.",
}


@dataclass(frozen=True)
class Style:
    """How a cluster's work looks and is named in titles."""

    adjective: str
    colors: tuple[str, ...]
    motifs: tuple[str, ...]


STYLES: dict[str, Style] = {
    "k-001": Style("Lacquered wooden", ("red", "yellow", "green", "blue", "natural"),
                   ("striped", "spiral", "polka dot", "classic")),
    "k-002": Style("Hand-painted blue pottery", ("blue", "white", "turquoise", "green"),
                   ("floral", "Persian arabesque", "bird", "vine")),
    "k-003": Style("Handwoven Banarasi", ("red", "maroon", "gold", "pink", "green", "royal blue"),
                   ("kadhua buta", "jaal", "paisley", "shikargah", "floral buti")),
    "k-004": Style("Hand-painted Madhubani", ("red", "yellow", "black", "green", "ochre"),
                   ("fish", "peacock", "tree of life", "Radha Krishna", "sun")),
    "k-005": Style("Hand-embroidered Kutch", ("red", "maroon", "black", "orange", "indigo"),
                   ("mirror", "Rabari", "paisley", "peacock", "geometric")),
    "k-006": Style("Silver-inlaid bidri", ("black", "silver"),
                   ("poppy", "vine", "Persian floral", "geometric")),
    "k-007": Style("Handwoven Pochampally ikat", ("red", "black", "indigo", "mustard", "green"),
                   ("double ikat", "diamond", "chowka", "elephant", "parrot")),
    "k-008": Style("Hand-engraved brass", ("gold", "antique brass", "copper"),
                   ("floral", "paisley", "Mughal", "leaf")),
    "k-009": Style("Glazed Khurja ceramic", ("blue", "brown", "turquoise", "white", "green"),
                   ("floral", "drip glaze", "leaf", "dotted")),
    "k-010": Style("Dhokra cast", ("antique brass", "bronze"),
                   ("tribal", "Bastar", "horse", "musician")),
    "k-011": Style("Pipli applique", ("red", "yellow", "black", "green", "white"),
                   ("elephant", "parrot", "sun", "lotus", "peacock")),
    "k-012": Style("Kishangarh miniature", ("pink", "green", "gold", "blue"),
                   ("Bani Thani", "Radha Krishna", "court scene", "lotus pond")),
    "k-013": Style("Handwoven Kanchipuram", ("magenta", "green", "gold", "mustard", "purple"),
                   ("temple border", "mango", "checks", "peacock", "rudraksha")),
    "k-014": Style("Bagru hand block-printed", ("indigo", "red", "black", "mustard", "natural"),
                   ("dabu floral", "buti", "paisley", "geometric")),
    "k-015": Style("Hand-carved sheesham", ("brown", "natural"),
                   ("jaali", "floral vine", "elephant", "Mughal arch")),
    "k-016": Style("Kondapalli wooden", ("red", "yellow", "green", "blue"),
                   ("Ambari elephant", "village", "dancing", "Dasavatara")),
    "k-017": Style("Kashmiri", ("beige", "maroon", "black", "grey", "ivory"),
                   ("sozni paisley", "chinar leaf", "kani", "floral")),
    "k-018": Style("Pattachitra", ("red", "yellow", "black", "white", "indigo"),
                   ("Jagannath", "Krishna leela", "Dasavatara", "tree of life")),
    "k-019": Style("Handcrafted Firozabad glass", ("clear", "red", "green", "blue", "amber"),
                   ("fluted", "floral", "crackle", "gold painted")),
    "k-020": Style("Marble inlay", ("white", "green", "red", "blue"),
                   ("floral vine", "Taj", "paisley", "geometric")),
    "k-021": Style("Handwoven bamboo", ("natural", "brown"),
                   ("checked", "twill", "hexagonal", "plain")),
    "k-022": Style("Handmade Kolhapuri", ("tan", "brown", "black"),
                   ("braided", "toe-ring", "punched", "classic")),
    "k-023": Style("Handwoven Chanderi", ("pink", "peach", "ivory", "mint", "gold"),
                   ("asharfi buti", "peacock", "coin", "lotus")),
    "k-024": Style("Thanjavur gold-leaf", ("gold", "red", "green"),
                   ("Krishna", "Ganesha", "Lakshmi", "Balaji")),
    "k-025": Style("Kundan meenakari", ("gold", "red", "green", "white"),
                   ("polki", "floral", "peacock", "paisley")),
}

BIO_TEMPLATES = (
    "{name} is a {craft} artisan from {place} with {years} at the craft, known for {motif} work.",
    "{name} has practised {craft} in {place} for {years} and specialises in {kinds}.",
    "A {craft} maker from {place}, {name} has {years} of experience and works with {material}.",
)

STORY_TEMPLATES = (
    "I learned {craft} from my {teacher} when I was {age}. Our family has done this work for "
    "{gens} generations. Selling online lets me reach buyers far beyond {town}.",
    "I started as a helper in a {town} workshop at {age} and set up my own unit {setup} years ago. "
    "I now train {trainees} young people from my village.",
    "{craft_cap} is our family's livelihood for {gens} generations. I keep the old {motif} designs "
    "alive and add new colours that city buyers like.",
    "After my {teacher} fell ill I took over the looms and tools at {age}. Today {trainees} "
    "artisans work with me in {town}.",
)
TEACHERS = ("father", "mother", "grandfather", "grandmother", "uncle", "guru")

HANDMADE_INDICATORS: dict[str, tuple[str, ...]] = {
    "textiles": ("weave irregularities", "hand-knotted fringe", "natural dye variation",
                 "slight selvedge unevenness", "hand-finished edges", "zari float variation"),
    "pottery": ("uneven glaze pooling", "brush stroke variation", "slight asymmetry",
                "hand-thrown ridges", "kiln marks on base"),
    "painting": ("visible brush strokes", "natural pigment texture", "freehand line variation",
                 "hand-prepared surface"),
    "metalware": ("hammer marks", "hand-engraving depth variation", "casting texture",
                  "tool marks", "slight asymmetry"),
    "woodwork": ("chisel marks", "grain variation", "hand-cut jaali edges", "slight asymmetry"),
    "jewellery": ("hand-set stones", "enamel variation", "hand-soldered joints", "foil texture"),
    "toys": ("lathe marks", "hand-painted details", "lac layer variation", "slight asymmetry"),
    "home_decor": ("hand stitching", "cut-edge variation", "mirror placement variation",
                   "natural dye variation"),
    "basketry": ("weave irregularities", "strip width variation", "hand-bound rim"),
    "leather": ("hand stitching", "braid irregularities", "vegetable tan colour variation"),
    "stonework": ("hand-cut inlay edges", "chisel marks", "stone colour variation"),
    "glass": ("blowing seams", "bubble inclusions", "shape variation", "hand-painted details"),
}

REVIEW_GOOD = (
    "Beautiful {kind}, even better than the photos.",
    "Lovely {motif} work, you can see it is made by hand.",
    "Well packed and arrived on time. The colours are rich.",
    "Excellent craftsmanship, bought it as a gift and everyone loved it.",
    "Authentic {craft}; the artisan answered all my questions.",
    "Good quality for the price, will order again.",
)
REVIEW_MIXED = (
    "Nice {kind} but delivery took longer than promised.",
    "Good work, though the colour is a little different from the picture.",
    "Decent quality; packing could be better.",
)
REVIEW_COMPLAINTS = (
    "Arrived broken; the packing was very poor.",
    "Colour faded after the first wash.",
    "Looks machine-made, not handmade as described.",
    "Received a different {kind} from the one in the photos.",
    "Size is completely different from the listing.",
    "Seller stopped replying after I paid.",
    "Poor finish, threads coming loose already.",
)

def plural(noun: str) -> str:
    """English plural of a product kind (``box`` -> ``boxes``, ``canopy`` -> ``canopies``)."""
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


CANCEL_REASONS = (
    "buyer changed their mind", "payment failed", "artisan could not deliver in time",
    "item no longer available", "buyer ordered the wrong size",
)
