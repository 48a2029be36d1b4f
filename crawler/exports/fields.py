"""Every exported field, said once: its meaning, its units or codes, and what pseudonymisation does to it.

The writers take their columns from here, the RPPO package's README is
generated from here, and a test checks docs/export-format.md against it, so
the documentation cannot drift from the files.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The version of the export format, in every record and every package manifest. The major
#: number changes when a field is removed or changes meaning; the minor when fields are added.
FORMAT_VERSION = "1.0"


@dataclass(frozen=True)
class Field:
    name: str
    meaning: str
    #: Units, codes or shape of the value.
    units: str
    #: What a pseudonymised export holds instead ("kept" when nothing changes).
    pseudonymised: str = "kept"


KEPT = "kept"
SELLER = "the trader's pseudonym `pw:seller:…`"
OWN_SHOP = "kept, except for a trader's own shop: then the trader's pseudonym `pw:seller:…`"
SCRUBBED = "kept, with the seller's identifiers and every e-mail, phone number, URL and domain replaced by pseudonyms"

_VERSION = Field(
    "format_version", "Version of the export format the record follows", f"text (this is {FORMAT_VERSION})"
)
_MARKETPLACE = Field(
    "marketplace",
    "Site the listing is on: a marketplace (`ebay.de`), or an independent web shop, which is then also the trader",
    "site key: host name without `www.`",
    OWN_SHOP,
)
_LISTING_ID = Field(
    "listing_id",
    "The listing's id on its site (item number, product id); with `marketplace` it names one listing",
    "text",
    "kept, except when it contains a seller identifier: then `pw:listing:…`",
)
_TIME = "ISO 8601 timestamp, UTC (`2026-11-01T02:00:00+00:00`)"

LISTING_FIELDS: tuple[Field, ...] = (
    _VERSION,
    _MARKETPLACE,
    Field("platform", "Shop software or marketplace family of the site", "`shopify`, `woocommerce`, `schema.org`, "
          "`ebay`, `amazon`, `etsy`, `aliexpress`, `craigslist`, `facebook`, `leboncoin`"),
    _LISTING_ID,
    Field("url", "Address of the listing's page", "URL",
          "kept, except when it identifies the seller (a page of the seller's own shop, or a URL naming the seller):"
          " then `pw:url:…`"),
    Field("title", "Title as the seller wrote it", "text", SCRUBBED),
    Field("description", "Description as the seller wrote it, as plain text", "text", "empty (see Pseudonymisation)"),
    Field("price", "Price asked (the lowest, when variants differ)", "decimal number, in `currency`"),
    Field("currency", "Currency of `price`", "ISO 4217 code (`EUR`)"),
    Field("available", "Whether the listing could be bought when last seen, where the page said so",
          "CSV/XLSX `yes`, `no` or empty; JSON `true`, `false` or `null`"),
    Field("quantity_available", "Units still on offer, where the page said so", "count"),
    Field("quantity_sold", "Units already sold, where the page said so", "count"),
    Field("ships_from", "Country the goods are sent from", "ISO 3166-1 alpha-2 code (`NL`)"),
    Field("ships_to", "Countries the seller says it ships to", "ISO 3166-1 alpha-2 codes; CSV/XLSX `; `-separated"),
    Field("seller_key", "The trader's id on the site: user name, shop id, or the shop's host name", "text", SELLER),
    Field("trader_name", "The trader's name as shown on the site", "text", "`pw:name:…`"),
    Field("trader_country", "Country of the trader, as the site or shop states it", "ISO 3166-1 alpha-2 code"),
    Field("categories", "Commodity categories the classifier assigned (IPPC R-05 scope)",
          "`plants_for_planting`, `seeds`, `bulbs_tubers`, `soil_growing_media`, `living_organisms`, "
          "`fresh_produce`, `wood_bark`, `processed_plant_products`, `not_regulated`; CSV/XLSX `; `-separated"),
    Field("hs_codes", "Harmonized System codes of the categories (mapping: `data/hs_codes.toml`)",
          "HS 2022 chapters (`07`), headings (`0601`) or subheadings (`0701.10`); CSV/XLSX `; `-separated"),
    Field("risk", "Plant-health risk of the listing: of its riskiest category, or `high` when it names a "
          "prohibited taxon", "`high`, `medium`, `low`, `none`"),
    Field("needs_review", "The classifier was unsure: an officer should look", "CSV/XLSX `yes`/`no`; JSON boolean"),
    Field("taxa", "Regulated or invasive taxa the listing names", "CSV/XLSX `Name [EPPO code] (list)` items, `; `-"
          "separated; JSON objects with `scientific_name`, `eppo_code`, `list_name`, `status`, `text` (the words "
          "found)", "kept; the words found are scrubbed like `title`"),
    Field("eppo_codes", "EPPO codes of the taxa named (EPPO Global Database)", "EPPO codes (`EICCR`); CSV/XLSX "
          "`; `-separated"),
    Field("model_version", "Version of the classifier that gave the verdict", "text"),
    Field("search_query", "The search words (or shop) that led the crawl to the listing", "text", SCRUBBED),
    Field("first_seen", "When phytowatch first saw the listing", _TIME),
    Field("last_seen", "When phytowatch last saw the listing", _TIME),
    Field("times_seen", "How many crawl runs saw the listing", "count"),
    Field("delisted_at", "When the listing was marked gone (missing from its watch's pages several runs in a row); "
          "empty while it is on offer", _TIME),
    Field("decision", "The latest review decision on the listing; empty when none was taken",
          "`confirm` (non-compliant or regulated), `dismiss` (not regulated), `refer` (referred to the RPPO), "
          "`contact` (trader to be contacted)"),
    Field("decided_at", "When the latest decision was taken", _TIME),
)

TRADER_FIELDS: tuple[Field, ...] = (
    _VERSION,
    _MARKETPLACE,
    Field("seller_key", "The trader's id on the site; with `marketplace` it names one trader, as in listings",
          "text", SELLER),
    Field("display_name", "The trader's name as shown on the site", "text", "`pw:name:…`"),
    Field("profile_url", "The trader's page on the site", "URL", "`pw:url:…`"),
    Field("shop_website", "The trader's own website, where known", "URL", "`pw:url:…`"),
    Field("country", "Country of the trader", "ISO 3166-1 alpha-2 code"),
    Field("platform", "Shop software or marketplace family", "as in listings"),
    Field("feedback_count", "Feedback ratings the trader has received on the site", "count"),
    Field("rating", "The trader's rating on the site", "fraction 0 to 1 (99.5 % positive is 0.995)"),
    Field("first_seen", "When phytowatch first saw the trader", _TIME),
    Field("last_seen", "When phytowatch last saw the trader", _TIME),
    Field("listings", "The trader's listings in this export", "count"),
    Field("listings_high", "Of those, listings of high risk", "count"),
    Field("listings_medium", "Of those, listings of medium risk", "count"),
    Field("listings_low", "Of those, listings of low risk", "count"),
    Field("listings_confirmed", "Of those, listings whose latest decision is `confirm`", "count"),
)

DECISION_FIELDS: tuple[Field, ...] = (
    _VERSION,
    Field("decision_id", "Number of the decision in the NPPO's audit log", "integer"),
    _MARKETPLACE,
    _LISTING_ID,
    Field("decision", "What the officer decided", "`confirm`, `dismiss`, `refer`, `contact`"),
    Field("reason", "Why (for a dismissal: why the listing is not regulated)", "text", SCRUBBED),
    Field("note", "The officer's note", "text", "empty (notes tell of contacts with the trader)"),
    Field("reviewer", "Who decided (the officer's user name)", "text", "`pw:reviewer:…`"),
    Field("decided_at", "When", _TIME),
)

EVIDENCE_FIELDS: tuple[Field, ...] = (
    _VERSION,
    Field("evidence_id", "Number of the capture in the NPPO's database", "integer"),
    Field("marketplace", "Site of the listing captured, as in listings", "site key"),
    Field("listing_id", "The listing captured, as in listings", "text"),
    Field("url", "Address that was captured", "URL"),
    Field("captured_at", "When the page was captured", _TIME),
    Field("http_status", "HTTP status of the captured response", "integer (200 = OK)"),
    Field("warc_file", "The HTTP response as a WARC record, in this package", "path inside the zip"),
    Field("warc_sha256", "SHA-256 of the WARC file, recorded at capture", "64 hex digits"),
    Field("png_file", "Full-page screenshot, in this package", "path inside the zip"),
    Field("png_sha256", "SHA-256 of the screenshot, recorded at capture", "64 hex digits"),
    Field("error", "Why a capture failed, when it did", "text"),
    Field("captured_by", "Who or what asked for the capture", "text"),
)

#: Fields whose values are lists (JSON arrays; `; `-joined text in CSV and XLSX).
LIST_FIELDS = frozenset({"ships_to", "categories", "hs_codes", "taxa", "eppo_codes"})


def names(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in fields)
