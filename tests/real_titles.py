"""Real product titles of the shared corpus (``titles/``), grouped by what the shop says they are.

The groups carry weak labels taken from the shops' own taxonomy (a seed shop's
catalogue, BigBasket's sub-categories, an aquarium shop's product types), so
they measure how the classifier does on real sellers' wording in bulk: the
share of each group rated ``high``. The titles are read from the corpus at
test time and never copied into the repository.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TitleGroup:
    name: str
    titles: list[str]
    #: True: every title is a high-risk commodity; False: none is.
    high_risk: bool


def _json(path: Path) -> list[dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def title_groups(corpus: Path) -> list[TitleGroup]:
    root = corpus / "titles"
    seeds = [r["seed"] for p in sorted(root.glob("seedcollector_*_seeds_2022.json")) for r in _json(p) if r.get("seed")]
    sansevieria = [r["Product Name"] for r in _json(root / "fermosaplants_sansevieria_products_2025-04.json")]
    with (root / "aquarium_shop_duckaroo_shopify_products_export_2026.csv").open(encoding="utf-8") as fh:
        aquarium = [r for r in csv.DictReader(fh) if r["Title"]]
    bigbasket = _json(root / "bigbasket_products_grocery-garden-pet_subset_2021.json")
    amazon = _json(root / "amazon_in_products_2023_garden-grocery-decor-craft-pet_subset.json")

    def bb(*subs: str) -> list[str]:
        return [r["product"] for r in bigbasket if r["sub_category"] in subs]

    def am(*subs: str) -> list[str]:
        return [r["name"] for r in amazon if r["sub_category"] in subs]

    return [
        TitleGroup("seed shops (variety names)", seeds, True),
        TitleGroup("sansevieria nursery", sansevieria, True),
        TitleGroup(
            "aquarium plants", [r["Title"] for r in aquarium if r["Type"] in ("Product_Plants", "Product_Bucep")], True
        ),
        TitleGroup(
            "aquarium shrimps and snails", [r["Title"] for r in aquarium if r["Type"] == "Product_Shrimps"], True
        ),
        TitleGroup(
            "fresh fruit and vegetables", bb("Fresh Vegetables", "Fresh Fruits", "Exotic Fruits & Veggies"), False
        ),
        TitleGroup(
            "spices, grains, oils",
            bb(
                "Masalas & Spices",
                "Rice & Rice Products",
                "Dals & Pulses",
                "Edible Oils & Ghee",
                "Atta, Flours & Sooji",
                "Dry Fruits",
            ),
            False,
        ),
        TitleGroup("tea, coffee, snacks", bb("Tea", "Coffee", "Snacks, Dry Fruits, Nuts") + am("Snack Foods"), False),
        TitleGroup("pet food and accessories", bb("Pet Food & Accessories") + am("Dog supplies"), False),
        TitleGroup(
            "jewellery and craft", am("Jewellery", "Fashion & Silver Jewellery", "Sewing & Craft Supplies"), False
        ),
        TitleGroup("home decor", am("Home Décor"), False),
    ]
