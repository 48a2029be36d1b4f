"""Build the US taxa lists: the Federal Noxious Weed List and the invasive plants of US-RIIS.

Run by ``python -m classifiers.build_taxa``, which writes every list and re-exports
these names. The US sources need the most hand-made repairs, so they have a module of
their own, each repair listed with its reason (provenance in ``data/taxa/README.md``):

* ``us_federal_noxious_weeds_2010_parsed.csv``: the USDA APHIS Federal Noxious Weed
  List, parsed from its PDF; the parser's artefacts are repaired by
  :data:`FNW_NAME_REPAIRS` and :data:`FNW_COMMON_REPAIRS`.
* ``us_usgs_riis_v2_plants.csv``: USGS US-RIIS v2.0 plant records; the invasive ones,
  without the common names of crops and everyday words (:data:`RIIS_DROPPED_COMMON`).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from classifiers.taxa import phrase_key

#: The Federal Noxious Weed List as the PDF parser left it -> the name the list gives
#: (7 CFR 360.200 / 361.6). Every repair of a ``scientific_name`` cell is here.
FNW_NAME_REPAIRS = {
    "Azolla pin": "Azolla pinnata",  # epithet cut off
    "Imperata brasilie": "Imperata brasiliensis",  # epithet cut off
    "Mikania cordat": "Mikania cordata",  # epithet cut off
    "Solanum viar": "Solanum viarum",  # epithet cut off ("tropical soda apple")
    "Solanu m": "Solanum torvum",  # genus split, epithet lost; "turkeyberry" (US-RIIS: S. torvum)
    "Rubus fruticosis": "Rubus fruticosus",  # misspelt epithet (the list: R. fruticosus complex)
    "Aeginetia sp": "Aeginetia",  # "Aeginetia spp.": a genus row
    # Epithet lost, genus left alone: the common name and 7 CFR 361.6 (or US-RIIS) name
    # the one listed species. Read as genus rows they would flag every Senecio
    # (string-of-pearls) and Pennisetum (fountain grass) sold.
    "Heracleum": "Heracleum mantegazzianum",  # "giant hogweed"; 7 CFR 361.6
    "Melastoma": "Melastoma malabathricum",  # "Malabar melastome"; 7 CFR 361.6
    "Pennisetum": "Pennisetum clandestinum",  # "kikuyugrass"; US-RIIS: Cenchrus clandestinus
    "Rottboellia": "Rottboellia cochinchinensis",  # "itchgrass"; US-RIIS
    "Senecio": "Senecio madagascariensis",  # "fireweed" (S. inaequidens is its own row)
}
#: Rows that are an author name broken off the row above, not taxa: Prosopis pallida
#: (Humb. & Bonpl. ex Willd.) Kunth and Prosopis torquata (Cav. ex Lagasca y Segura) DC.
FNW_AUTHOR_ROWS = frozenset({"Bonpland", "Lagasca y"})
#: "spp." rows of the list: every species of the genus (Cuscuta and Orobanche except
#: some native species the CFR names, which are not modelled; an officer decides).
FNW_GENERA = frozenset({"Aeginetia", "Alectra", "Cuscuta", "Orobanche", "Striga"})
#: Other names of listed taxa, as 7 CFR 361.6 or US-RIIS write them.
FNW_SYNONYMS = {
    "Digitaria scalarum": ["Digitaria abyssinica"],  # 7 CFR 361.6, US-RIIS
    "Drymaria arenariodes": ["Drymaria arenarioides"],  # the list's spelling; the usual one
    "Mimosa invisa": ["Mimosa diplotricha"],  # 7 CFR 361.6
    "Pennisetum clandestinum": ["Cenchrus clandestinus"],  # US-RIIS
    "Pennisetum polystachion": ["Cenchrus polystachios"],  # US-RIIS ("Mission grass")
}
#: Common-name cells mangled by the parser -> the names they stand for.
FNW_COMMON_REPAIRS = {
    "Hydri lla": ["Hydrilla"],
    "Africa n elodea": ["African elodea"],
    "Lightning w eed": ["Lightning weed"],
    "Anchored water": ["Anchored water hyacinth"],  # cut off; US-RIIS name
    "P alisot de Velvet fingergrass, annual": ["Velvet fingergrass"],  # author + fragment
    "Dodders": ["Dodder", "Dodders"],  # genus rows: the singular too
    "Broomrapes": ["Broomrape", "Broomrapes"],
    "Witchweeds": ["Witchweed", "Witchweeds"],
}
#: Common names dropped: placeholders, names shared by many taxa, foods, everyday
#: phrases and names of other, unlisted plants.
FNW_DROPPED_COMMON = frozenset(
    [
        "varies by species",  # placeholder
        "mesquite", "algaroba", "fingergrass",  # any Prosopis / Digitaria
        "red rice", "wild blackberry", "wild raspberry",  # food
        "arrowhead", "coat buttons", "tornillo",  # everyday words ("tornillo" = screw)
        "yellow tulip", "apricot tulip",  # tulip bulbs of these colours
        "fireweed", "mistflower",  # Chamerion (fireweed tea), Conoclinium (blue mistflower)
    ]
)  # fmt: skip
FNW_SOURCE = (
    "USDA APHIS Federal Noxious Weed List (7 CFR 360.200), PDF parsed by "
    "b3nj4m1n-46/LivingWithFire_RogueRaise database-sources/invasive/FederalNoxiousWeeds/"
    "plants.csv@e087b0d, repaired in classifiers/build_taxa.py"
)
#: US-RIIS common names that are crops sold as food (fruit, vegetables, grain, spices,
#: herbs, drinks, fibres) or everyday words, brands and plant groups. Found by matching
#: every invasive record's names against real grocery, garden and pet product titles
#: (``../shared/fixtures/titles``) and reading all one-word and crop-like names by hand.
RIIS_DROPPED_COMMON = frozenset(
    [
        # fruit, vegetables, grain, pulses
        "avocado", "balsampear", "black mustard", "brown mustard", "buckwheat", "cabbage",
        "canistel", "cantaloupe", "cardoon", "cassava", "cereal rye", "chayote", "cherimoya",
        "chokecherry", "coco plum", "coco yam", "common barley", "common oat", "common wheat",
        "cultivated garlic", "cultivated radish", "edible fig", "eggplant", "english walnut",
        "european chestnut", "european plum", "fig", "foxtail millet", "garden cucumber",
        "garden lettuce", "garden rhubarb", "garden tomato", "governor's plum", "guava",
        "horseradish", "hyacinthbean", "irish potato", "jack bean", "jackfruit",
        "japanese millet", "java plum", "jujube red date", "key lime", "limeberry", "loquat",
        "malaysian apple", "mango", "natal plum", "new zealand spinach", "olive", "papaya",
        "paradise apple", "peach", "pearl millet", "pigeonpea", "proso millet", "red amaranth",
        "rice", "salsify", "sapodilla", "sea apple", "sieva bean", "sorghum", "sour cherry",
        "soursop", "spanish cherry", "spanish lime", "spinach", "surinam cherry",
        "sweet cherry", "sweetpotato", "tamarind", "tropical almond", "water chestnut",
        "water yam", "watercress", "watermelon", "yam bean",
        # spices, herbs, drinks, oils, drugs, fibres, fodder
        "alfalfa", "allspice", "anise", "apple mint", "caraway", "castorbean", "cayenne pepper",
        "chicory", "cinnamon", "coconut palm", "coffee", "common flax", "coriander",
        "creole cotton", "cultivated tobacco", "date palm", "dill", "garden thyme",
        "golden chamomile", "jute", "lemon grass", "liberian coffee", "marijuana",
        "mexican mint", "mexican tea", "mint", "parsley", "pennyroyal", "peppermint", "rape",
        "sisal hemp", "spearmint", "stinging nettle", "sweet basil", "sweet fennel", "tea",
        "turmeric", "upland cotton", "vanilla", "wormseed", "yellow alfalfa",
        # plant groups, other plants' names, everyday words and brands
        "algae", "apple blossom", "aroma", "bachelor's button", "bamboo", "catnip",
        "chameleon", "coleus", "common bamboo", "daisy", "fuchsia", "heather", "jio",
        "joseph's-coat", "legume", "maltesecross", "milkweed", "mock orange", "monkeypod",
        "nightshade", "papagayo", "papyrus", "pinguin", "pinklady", "poppy", "rockweed", "rose",
        "sedge", "spurge", "sunflower", "tiger grass", "weld", "whitelady", "yellow flame",
        "mazapan", "arrocillo", "calamus", "morning-glory", "umbrella plant",
    ]
)  # fmt: skip
RIIS_SOURCE = (
    "USGS US-RIIS v2.0 (sciencebase 62d59ae5d34e87fffb2dda99, public domain) via "
    "b3nj4m1n-46/LivingWithFire_RogueRaise database-sources/invasive/USGS_RIIS/"
    "plants.csv@e087b0d"
)
RIIS_LOCALITIES = {"AK": "Alaska", "HI": "Hawaii", "L48": "lower 48 states"}


def _split_common(cell: str) -> list[str]:
    return [c.strip() for c in cell.split(",") if c.strip()]


def build_us_noxious_weeds(sources: Path, eppo: dict[tuple[str, ...], str]) -> list[dict[str, str]]:
    """The Federal Noxious Weed List, repaired (see :data:`FNW_NAME_REPAIRS`)."""
    from classifiers.build_taxa import _dedupe, _rank  # imported on use: build_taxa imports this module

    path = sources / "us_federal_noxious_weeds_2010_parsed.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        parsed = list(csv.DictReader(fh))
    rows = []
    for cell in parsed:
        raw = cell["scientific_name"].strip()
        if raw in FNW_AUTHOR_ROWS:
            continue
        name = FNW_NAME_REPAIRS.get(raw, raw)
        commons = []
        for label in FNW_COMMON_REPAIRS.get(cell["common_name"].strip(), None) or _split_common(cell["common_name"]):
            if label.casefold() not in FNW_DROPPED_COMMON:
                commons.append(f"en:{label}")
        syns = FNW_SYNONYMS.get(name, [])
        rank = "genus" if name in FNW_GENERA else _rank(name)
        code = next((eppo[k] for k in map(phrase_key, [name, *syns]) if k in eppo), "")
        rows.append({
            "scientific_name": name, "rank": rank, "synonyms": "; ".join(syns),
            "common_names": "; ".join(_dedupe(commons)), "eppo_code": code,
            "list_name": "US Federal Noxious Weeds", "status": "noxious weed",
            "kingdom": "Plantae", "source": FNW_SOURCE, "source_date": "2010-12-10",
            "jurisdiction": "US",
        })  # fmt: skip
    return sorted(rows, key=lambda r: r["scientific_name"])


def _riis_name(name: str) -> str:
    """``Centaurea X psammogena`` -> ``Centaurea x psammogena``."""
    return " ".join("x" if w == "X" else w for w in name.split())


def _riis_common_ok(label: str, name: str) -> bool:
    folded = label.casefold()
    if folded in RIIS_DROPPED_COMMON or "?" in label:
        return False
    return phrase_key(label) != phrase_key(name.split()[0])  # "Lantana": the whole genus


def build_us_riis(sources: Path, eppo: dict[tuple[str, ...], str]) -> list[dict[str, str]]:
    """US-RIIS plants whose degree of establishment is invasive, one row per taxon."""
    from classifiers.build_taxa import _dedupe, _rank  # imported on use: build_taxa imports this module

    places: dict[str, set[str]] = defaultdict(set)
    commons: dict[str, list[str]] = defaultdict(list)
    path = sources / "us_usgs_riis_v2_plants.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if "invasive" not in rec["degree_of_establishment"]:
                continue
            name = _riis_name(rec["scientific_name"].strip())
            places[name].add(rec["locality"].strip())
            label = rec["common_name"].strip()
            if label and _riis_common_ok(label, name):
                commons[name].append(f"en:{label}")
    rows = []
    for name in sorted(places):
        syns = [name.replace(" ssp. ", " subsp. ")] if " ssp. " in name else []
        rank = "hybrid" if " x " in f" {name} " else _rank(name)
        code = next((eppo[k] for k in map(phrase_key, [name, *syns]) if k in eppo), "")
        where = ", ".join(RIIS_LOCALITIES.get(p, p) for p in sorted(places[name]))
        rows.append({
            "scientific_name": name, "rank": rank, "synonyms": "; ".join(syns),
            "common_names": "; ".join(_dedupe(commons[name])), "eppo_code": code,
            "list_name": "US RIIS invasive plants", "status": "invasive", "kingdom": "Plantae",
            "source": f"{RIIS_SOURCE}; invasive in: {where}", "source_date": "2022",
            "jurisdiction": "US",
        })  # fmt: skip
    return rows
