"""Stored rows become exported records: codes added, and with a key, identities pseudonymised.

One function per record type, shared by every format, so that a CSV row, a
JSON object and a line of the RPPO package say the same thing about a listing.
"""

from __future__ import annotations

from typing import Any

from crawler.exports.fields import DECISION_FIELDS, FORMAT_VERSION, LISTING_FIELDS, TRADER_FIELDS, names
from crawler.exports.hs_codes import HsMapping
from crawler.exports.pseudonyms import Pseudonymiser, SellerIdentity

_TAXON_KEYS = ("scientific_name", "eppo_code", "list_name", "status", "text")
_LISTING, _TRADER, _DECISION = names(LISTING_FIELDS), names(TRADER_FIELDS), names(DECISION_FIELDS)


class RecordMaker:
    """Builds the records of one export (holding its pseudonymiser's per-seller cache)."""

    def __init__(self, hs: HsMapping, pseudonyms: Pseudonymiser | None = None) -> None:
        self.hs = hs
        self.pseudonyms = pseudonyms

    def listing(self, row: dict[str, Any]) -> dict[str, Any]:
        taxa = [{k: t.get(k) for k in _TAXON_KEYS} for t in row.get("taxa") or []]
        eppo_codes = list(dict.fromkeys(t["eppo_code"] for t in taxa if t["eppo_code"]))
        record = {
            **row,
            "format_version": FORMAT_VERSION,
            "hs_codes": self.hs.codes_for(row["categories"]),
            "taxa": taxa,
            "eppo_codes": eppo_codes,
        }
        if self.pseudonyms is not None:
            p, identity = self.pseudonyms, _identity(row)
            record.update(_pseudonymous_place(p, row, identity))
            record.update(
                title=p.scrub(row["title"], identity),
                description=None,
                search_query=p.scrub(row["search_query"], identity),
                seller_key=_seller(p, row),
                trader_name=p.name(row["trader_name"]) if row.get("trader_name") else None,
                taxa=[{**t, "text": p.scrub(t["text"], identity)} for t in taxa],
            )
        return {name: record.get(name) for name in _LISTING}

    def trader(self, row: dict[str, Any]) -> dict[str, Any]:
        record = {**row, "format_version": FORMAT_VERSION}
        if self.pseudonyms is not None:
            p = self.pseudonyms
            identity = SellerIdentity(row["marketplace"], row["seller_key"], row["display_name"],
                                      row["profile_url"], row["shop_website"])  # fmt: skip
            record.update(
                marketplace=_pseudonymous_place(p, row, identity)["marketplace"],
                seller_key=_seller(p, row),
                display_name=p.name(row["display_name"]) if row.get("display_name") else None,
                profile_url=p.url(row["profile_url"]) if row.get("profile_url") else None,
                shop_website=p.url(row["shop_website"]) if row.get("shop_website") else None,
            )
        return {name: record.get(name) for name in _TRADER}

    def decision(self, row: dict[str, Any]) -> dict[str, Any]:
        record = {**row, "format_version": FORMAT_VERSION}
        if self.pseudonyms is not None:
            p, identity = self.pseudonyms, _identity(row)
            place = _pseudonymous_place(p, row, identity)
            record.update(
                marketplace=place["marketplace"],
                listing_id=place["listing_id"],
                reason=p.scrub(row["reason"], identity),
                note=None,
                reviewer=p.reviewer(row["reviewer"]) if row.get("reviewer") else None,
            )
        return {name: record.get(name) for name in _DECISION}


def _identity(row: dict[str, Any]) -> SellerIdentity:
    return SellerIdentity(
        marketplace=row["marketplace"],
        seller_key=row.get("seller_key"),
        name=row.get("trader_name"),
        profile_url=row.get("trader_profile_url"),
        website=row.get("trader_website"),
    )


def _seller(p: Pseudonymiser, row: dict[str, Any]) -> str | None:
    return p.seller(row["marketplace"], row["seller_key"]) if row.get("seller_key") else None


def _pseudonymous_place(p: Pseudonymiser, row: dict[str, Any], identity: SellerIdentity) -> dict[str, Any]:
    """Marketplace, listing id and URL, each kept unless it names the seller.

    An independent shop is its own marketplace, so its key, its listings'
    URLs and sometimes its product ids name the trader.
    """
    marketplace = row["marketplace"]
    place: dict[str, Any] = {"marketplace": marketplace}
    if p.identifies(marketplace, identity, across_sellers=False):
        place["marketplace"] = _seller(p, row) or p.token("domain", marketplace)
    listing_id, url = row.get("listing_id"), row.get("url")
    if listing_id is not None:
        named = p.identifies(listing_id, identity)
        place["listing_id"] = p.listing_ref(marketplace, listing_id) if named else listing_id
    if url is not None:
        place["url"] = p.url(url) if "@" in url or p.identifies(url, identity) else url
    return place
