"""A small store written like a real night's catch, for the export tests.

Sellers are the kinds phytowatch meets: a private eBay seller, an independent
Dutch nursery whose domain is its key, an Etsy shop with a numeric id, a
private leboncoin seller, an Amazon marketplace seller, an Italian WooCommerce
shop. Titles and descriptions carry their names, e-mail addresses and phone
numbers the way sellers write them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from crawler.items import Listing, Trader
from crawler.store import Store

TRADERS = [
    Trader(marketplace="ebay.de", seller_key="gartenfreund_petra74", display_name="Gartenfreund_Petra74",
           profile_url="https://www.ebay.de/usr/Gartenfreund_Petra74", country="DE", feedback_count=113,
           rating=0.995, platform="ebay"),
    Trader(marketplace="kwekerij-detulp.nl", seller_key="kwekerij-detulp.nl", display_name="Kwekerij De Tulp",
           profile_url="https://kwekerij-detulp.nl/", shop_website="https://www.kwekerij-detulp.nl", country="NL",
           platform="shopify"),
    Trader(marketplace="etsy.com", seller_key="28461937", display_name="SeedVaultEmporium",
           profile_url="https://www.etsy.com/shop/SeedVaultEmporium", country="US", rating=0.96, platform="etsy"),
    Trader(marketplace="leboncoin.fr", seller_key="58213907", display_name="Marie-Claire D.", platform="leboncoin"),
    Trader(marketplace="amazon.de", seller_key="A2XJ4KQ9PLM3ZT", display_name="GreenThumb Versand GmbH",
           profile_url="https://www.amazon.de/sp?seller=A2XJ4KQ9PLM3ZT", country="CN", platform="amazon"),
    Trader(marketplace="ebay.de", seller_key="perlen_paradies", display_name="Perlen-Paradies Inh. Jürgen Weiß",
           profile_url="https://www.ebay.de/usr/perlen_paradies", country="DE", platform="ebay"),
    Trader(marketplace="fruttadelsud.it", seller_key="fruttadelsud.it", display_name="Frutta del Sud di Giuseppe Russo",
           profile_url="https://fruttadelsud.it/", shop_website="https://fruttadelsud.it", country="IT",
           platform="woocommerce"),
]

WATER_HYACINTH = {"scientific_name": "Eichhornia crassipes", "eppo_code": "EICCR", "list_name": "EU IAS Union list",
                  "status": "prohibited", "text": "Eichhornia crassipes", "start": 0, "end": 20,
                  "matched_as": "scientific"}
DATURA = {"scientific_name": "Datura stramonium", "eppo_code": "DATST", "list_name": "National list (example)",
          "status": "invasive", "text": "Datura", "start": 12, "end": 18, "matched_as": "genus"}


def _verdict(categories: list[str], risk: str, taxa: list[dict[str, Any]] | None = None,
             needs_review: bool = False) -> dict[str, Any]:
    return {"categories": categories, "risk": risk, "taxa": taxa or [], "scores": {}, "reasons": [],
            "needs_review": needs_review, "model_version": "test-1"}


#: (listing, verdict, watch run: "nl" / "de" / None)
LISTINGS: list[tuple[Listing, dict[str, Any], str | None]] = [
    (Listing(marketplace="ebay.de", listing_id="325987654321", url="https://www.ebay.de/itm/325987654321",
             title="Tulpenzwiebeln 'Queen of Night' 50 Stück – Fragen an petra.schneider@gmx.de",
             description="Bei Fragen: 0171 2345678 oder petra.schneider@gmx.de. Petra Schneider, Hamburg.",
             price=12.5, currency="EUR", available=True, quantity_available=7, quantity_sold=23, ships_from="DE",
             ships_to=["DE", "AT"], seller_key="gartenfreund_petra74", search_query="tulpenzwiebeln",
             platform="ebay", fetched_at="2026-11-02T01:10:00+00:00"),
     _verdict(["bulbs_tubers"], "high"), "de"),
    (Listing(marketplace="kwekerij-detulp.nl", listing_id="7001",
             url="https://kwekerij-detulp.nl/products/tulipa-sprengeri",
             title="Kwekerij De Tulp – Tulipa sprengeri bulbs, 5 pcs", description="Uit eigen teelt.",
             price=9.95, currency="EUR", ships_from="NL", seller_key="kwekerij-detulp.nl",
             search_query="https://kwekerij-detulp.nl", platform="shopify",
             fetched_at="2026-11-01T02:00:00+00:00"),
     _verdict(["bulbs_tubers"], "high"), "nl"),
    (Listing(marketplace="kwekerij-detulp.nl", listing_id="7002",
             url="https://kwekerij-detulp.nl/products/waterhyacint",
             title="Eichhornia crassipes (waterhyacint) vijverplant – bestel via www.kwekerij-detulp.nl of bel "
                   "+31 6 12345678",
             description="Mail info@kwekerij-detulp.nl, KvK 12345678.", price=4.5, currency="EUR",
             ships_from="NL", seller_key="kwekerij-detulp.nl", search_query="https://kwekerij-detulp.nl",
             platform="shopify", fetched_at="2026-11-05T02:00:00+00:00"),
     _verdict(["plants_for_planting"], "high", [WATER_HYACINTH]), "nl"),
    (Listing(marketplace="etsy.com", listing_id="1584736291",
             url="https://www.etsy.com/listing/1584736291/heirloom-tomato-seeds-black-krim",
             title="Heirloom tomato seeds Black Krim, 30 ct – SeedVaultEmporium original",
             description="Questions? seedvault.emporium@yahoo.com or (555) 201-7788", price=3.2, currency="USD",
             ships_from="US", ships_to=["US", "CA", "GB"], seller_key="28461937", platform="etsy",
             fetched_at="2026-10-20T03:00:00+00:00"),
     _verdict(["seeds"], "high", needs_review=True), None),
    (Listing(marketplace="leboncoin.fr", listing_id="2468013579", url="https://www.leboncoin.fr/ad/jardin/2468013579",
             title="Graines de Datura (de chez Kwekerij De Tulp), contactez-moi au 06 12 34 56 78",
             description="Écrire à marie.claire.dupont@orange.fr", price=5.0, currency="EUR", ships_from="FR",
             seller_key="58213907", platform="leboncoin", fetched_at="2026-11-03T04:00:00+00:00"),
     _verdict(["seeds"], "high", [DATURA]), None),
    (Listing(marketplace="amazon.de", listing_id="B0C7K2M9XQ", url="https://www.amazon.de/dp/B0C7K2M9XQ",
             title="Kokosziegel Anzuchterde 5 kg", description="Kundendienst: service@greenthumb-versand.de",
             price=14.99, currency="EUR", ships_from="DE", seller_key="A2XJ4KQ9PLM3ZT", platform="amazon",
             fetched_at="2026-11-04T05:00:00+00:00"),
     _verdict(["soil_growing_media"], "high"), "de"),
    (Listing(marketplace="ebay.de", listing_id="176543210987", url="https://www.ebay.de/itm/176543210987",
             title="Miyuki Delica seed beads 11/0, 5 g", description="Perlen-Paradies, Inh. Jürgen Weiß",
             price=2.1, currency="EUR", ships_from="DE", seller_key="perlen_paradies", platform="ebay",
             fetched_at="2026-09-01T06:00:00+00:00"),
     _verdict(["not_regulated"], "none"), "de"),
    (Listing(marketplace="fruttadelsud.it", listing_id="413", url="https://fruttadelsud.it/prodotto/arance-di-sicilia/",
             title="Arance di Sicilia 10 kg", description="Ordini: Giuseppe, +39 333 123 4567", price=19.0,
             currency="EUR", ships_from="IT", seller_key="fruttadelsud.it", platform="woocommerce",
             fetched_at="2026-11-06T07:00:00+00:00"),
     _verdict(["fresh_produce"], "medium"), None),
]

#: Personal data written only in free text (descriptions, notes): names, e-mails, phones.
FREE_TEXT_SECRETS = [
    "Petra Schneider", "Jürgen Weiß", "Giuseppe",
    "petra.schneider@gmx.de", "info@kwekerij-detulp.nl", "seedvault.emporium@yahoo.com",
    "marie.claire.dupont@orange.fr", "service@greenthumb-versand.de",
    "0171 2345678", "+31 6 12345678", "(555) 201-7788", "06 12 34 56 78", "+39 333 123 4567",
    "officer.jansen", "Anna de Boer",
]


def build_export_store(path: Path) -> Path:
    """Write the store: traders, listings with verdicts, two watches' runs, history and decisions."""
    with Store(path) as store:
        for trader in TRADERS:
            store.save_trader(trader)
        runs = {"nl": store.start_run("shopify", {"stores": "kwekerij-detulp.nl"}, watch="nl-bulbs"),
                "de": store.start_run("ebay", {"site": "https://www.ebay.de"}, watch="de-marketplaces")}
        for listing, verdict, watch in LISTINGS:
            store.save_listing(listing, run_id=runs[watch] if watch else None, classification=verdict)
        # The de-marketplaces watch later sees the nursery's tulip again, unchanged: only last_run_id moves.
        again = next(l for l, _, _ in LISTINGS if l.listing_id == "7001")
        store.save_listing(Listing(**{**again.to_dict(), "fetched_at": "2026-11-08T02:00:00+00:00"}),
                           run_id=runs["de"], classification=LISTINGS[1][1])
        store.finish_run(runs["nl"], "finished", {})
        store.finish_run(runs["de"], "finished", {})
        row = store.listing_row_id
        store.record_decision(row("ebay.de", "325987654321"), "contact", "officer.jansen",
                              note="Rang Petra Schneider on 0171 2345678, she will stop")
        store.record_decision(row("ebay.de", "325987654321"), "confirm", "officer.jansen",
                              note="Confirmed after the call with petra.schneider@gmx.de")
        store.record_decision(row("kwekerij-detulp.nl", "7002"), "refer", "Anna de Boer",
                              reason="EU-listed invasive sold by Kwekerij De Tulp", note="+31 6 12345678")
        store.record_decision(row("amazon.de", "B0C7K2M9XQ"), "dismiss", "Anna de Boer",
                              reason="coir block without soil: not regulated")
        store.record_decision(row("etsy.com", "1584736291"), "refer", "officer.jansen")
    return path


def personal_data(path: Path) -> list[str]:
    """Every seller name, id, profile URL and website in the database, and the free-text secrets above.

    URLs are also given without scheme and ``www.``, and phone numbers as bare digits,
    so that a differently written copy is caught too.
    """
    with Store(path) as store:
        rows = store.conn.execute("SELECT display_name, seller_key, profile_url, shop_website FROM traders")
        found = {value for row in rows for value in row if value}
    for value in list(found):
        if value.startswith("http"):
            found.add(re.sub(r"^https?://(www\.)?", "", value).rstrip("/"))
    found.update(FREE_TEXT_SECRETS)
    found.update(re.sub(r"\D", "", v) for v in FREE_TEXT_SECRETS if re.fullmatch(r"[\d\s()+-]+", v))
    return sorted(found)
