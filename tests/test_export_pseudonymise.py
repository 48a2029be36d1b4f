"""Pseudonymised exports: no seller name, id, profile URL, e-mail or phone number leaves the NPPO.

Every exported file is scanned whole: its bytes, and the text inside it once
decoded (JSON strings unescaped, XLSX and zip members unpacked, XML entities
resolved), so that no escaping can hide a leak from the scan.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from crawler.cli import main
from crawler.export import ExportError, ExportFilters, export, load_key, write_export, write_rppo_package
from crawler.exports.pseudonyms import Pseudonymiser, SellerIdentity
from crawler.store import Store
from tests.exportdata import build_export_store, personal_data

KEY = b"0123456789abcdef0123456789abcdef-nppo-nl"
OTHER_KEY = b"fedcba9876543210fedcba9876543210-nppo-be"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_export_store(tmp_path_factory.mktemp("pseudo") / "phytowatch.db")


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_json_strings(k), *_json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return [str(value)]


def readable_texts(name: str, data: bytes) -> list[str]:
    """Every way a reader could get text out of an exported file's bytes."""
    texts = [data.decode("utf-8", errors="replace"), data.decode("latin-1")]
    if data[:2] == b"PK":  # a zip: the package, or an XLSX workbook
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                texts.append(member)
                texts.extend(readable_texts(member, archive.read(member)))
        if name.endswith(".xlsx"):
            workbook = load_workbook(io.BytesIO(data), read_only=True)
            texts.extend(str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row if v)
        return texts
    text = texts[0]
    texts.append(html.unescape(text))  # XML entities (&amp;, &#39;) inside XLSX parts
    if name.endswith(".json"):
        texts.extend(_json_strings(json.loads(text)))
    elif name.endswith(".jsonl"):
        texts.extend(s for line in text.splitlines() for s in _json_strings(json.loads(line)))
    elif name.endswith(".csv"):
        texts.extend(cell for row in csv.reader(io.StringIO(text)) for cell in row)
    return texts


def leaks(files: list[Path], secrets: list[str]) -> list[tuple[str, str]]:
    found = []
    for file in files:
        haystack = "\n".join(readable_texts(file.name, file.read_bytes())).casefold()
        found.extend((file.name, secret) for secret in secrets if secret.casefold() in haystack)
    return found


def every_export(database: Path, folder: Path, key: bytes) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with Store(database) as store:
        files = [write_export(store, fmt, folder / f"listings.{fmt}", pseudonymise_key=key)
                 for fmt in ("csv", "json", "jsonl", "xlsx")]  # fmt: skip
        files.append(write_rppo_package(store, folder / "rppo.zip", pseudonymise_key=key))
    return files


def test_no_personal_data_in_any_pseudonymised_file(database: Path, tmp_path: Path) -> None:
    secrets = personal_data(database)
    assert len(secrets) > 35 and "Kwekerij De Tulp" in secrets and "28461937" in secrets
    plain = every_export(database, tmp_path / "plain", key=None)  # type: ignore[arg-type]
    # the scan finds what is there: a plain export holds most of it
    assert len({s for _, s in leaks(plain, secrets)}) > 20
    files = every_export(database, tmp_path / "pseudonymised", KEY)
    assert leaks(files, secrets) == []


def test_pseudonymised_records_keep_what_an_rppo_needs(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        path = write_export(store, "json", tmp_path / "x.json", pseudonymise_key=KEY)
    records = {r["title"][:12]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    tulips = records["Tulpenzwiebe"]
    assert tulips["marketplace"] == "ebay.de" and tulips["url"] == "https://www.ebay.de/itm/325987654321"
    assert tulips["seller_key"].startswith("pw:seller:") and tulips["trader_name"].startswith("pw:name:")
    assert tulips["title"].startswith("Tulpenzwiebeln 'Queen of Night' 50 Stück – Fragen an pw:email:")
    assert tulips["description"] is None
    assert (tulips["ships_from"], tulips["trader_country"], tulips["hs_codes"]) == ("DE", "DE", ["0601", "0701.10"])
    hyacinth = records["Eichhornia c"]
    # an independent shop is its own marketplace: the site, its URLs and the shop name in the title all go
    assert hyacinth["marketplace"] == hyacinth["seller_key"]
    assert hyacinth["url"].startswith("pw:url:")
    assert "pw:domain:" in hyacinth["title"] or "pw:url:" in hyacinth["title"]
    assert "pw:phone:" in hyacinth["title"]
    assert hyacinth["eppo_codes"] == ["EICCR"] and hyacinth["taxa"][0]["scientific_name"] == "Eichhornia crassipes"
    tulip_shop = next(r for r in records.values() if r["title"].endswith("Tulipa sprengeri bulbs, 5 pcs"))
    assert tulip_shop["title"].startswith("pw:name:")  # "Kwekerij De Tulp – Tulipa …"
    assert tulip_shop["trader_name"] == hyacinth["trader_name"]


def test_same_key_links_traders_and_another_key_does_not(database: Path, tmp_path: Path) -> None:
    def pseudonyms(key: bytes, name: str) -> dict[str, str]:
        with Store(database) as store:
            path = write_export(store, "jsonl", tmp_path / name, pseudonymise_key=key)
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return {r["listing_id"] if r["listing_id"].isdigit() else r["price"]: r["seller_key"] for r in rows}

    first, again, other = pseudonyms(KEY, "a.jsonl"), pseudonyms(KEY, "b.jsonl"), pseudonyms(OTHER_KEY, "c.jsonl")
    assert first == again
    assert set(first) == set(other)
    assert not set(first.values()) & set(other.values())
    # one trader, one pseudonym: the nursery's two listings share it
    assert first["7001"] == first["7002"] and first["7001"] != first["325987654321"]


def test_a_package_names_its_key_by_fingerprint_only(database: Path, tmp_path: Path) -> None:
    with Store(database) as store:
        one = export(store, "rppo", tmp_path / "1.zip", ExportFilters(watch="nl-bulbs"), KEY).manifest
        two = export(store, "rppo", tmp_path / "2.zip", pseudonymise_key=KEY).manifest
        three = export(store, "rppo", tmp_path / "3.zip", pseudonymise_key=OTHER_KEY).manifest
    assert one and two and three
    assert one["key_id"] == two["key_id"] != three["key_id"]
    assert KEY.decode() not in (tmp_path / "1.zip").read_bytes().decode("latin-1")
    assert one["filters"]["watch"].startswith("pw:watch:")  # a watch may be named after a seller


def test_free_text_scrubbing() -> None:
    p = Pseudonymiser(KEY)
    seller = SellerIdentity("ebay.de", "gartenfreund_petra74", "Gartenfreund_Petra74",
                            "https://www.ebay.de/usr/Gartenfreund_Petra74")
    text = ("Gartenfreund-Petra74 sells; mail petra [at] gmx [dot] de or PETRA.S@GMX.DE, call 0049 171 2345678, "
            "see https://petra-garten.de/shop?id=4 or petra-garten.de. 50 bulbs 12/14 cm, 2026-11-01, 19.99 EUR")
    scrubbed = p.scrub(text, seller) or ""
    for secret in ("petra", "gmx", "2345678", "garten"):
        assert secret not in scrubbed.lower(), scrubbed
    assert scrubbed.endswith("50 bulbs 12/14 cm, 2026-11-01, 19.99 EUR")  # sizes, dates and prices stay
    assert p.scrub("petra.s@gmx.de") == p.scrub("PETRA.S@GMX.DE") == p.scrub("petra.s (at) gmx (dot) de")
    assert p.scrub("+49 171 2345678") == p.scrub("0049-171-2345678") != p.scrub("0171 2345678")
    assert p.name("Jardín  Verde") == p.name("jardin verde")
    assert p.url("https://www.Shop.example/") == p.url("http://shop.example")


def test_key_files(tmp_path: Path) -> None:
    runner = CliRunner()
    key_file = tmp_path / "nppo.key"
    result = runner.invoke(main, ["export-key", str(key_file)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(load_key(key_file)) == 64
    again = runner.invoke(main, ["export-key", str(key_file)])
    assert again.exit_code == 1 and "already exists; a key is never overwritten" in again.output
    short = tmp_path / "short.key"
    short.write_text("secret\n")
    with pytest.raises(ExportError, match="holds 6 bytes; a key needs at least 32"):
        load_key(short)
    with pytest.raises(ExportError, match="does not exist .create one with: phytowatch export-key"):
        load_key(tmp_path / "missing.key")


def _one_line(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0 and "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.strip()][-1]


def test_cli_pseudonymise_needs_a_key(database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHYTOWATCH_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.delenv("PHYTOWATCH_CONFIG", raising=False)
    runner = CliRunner()
    base = ["export", "--db", str(database), "--output", str(tmp_path / "out.csv")]
    assert _one_line(runner.invoke(main, [*base, "--pseudonymise"])) == (
        "Error: --pseudonymise needs a key: pass --key-file FILE, set PHYTOWATCH_PSEUDONYM_KEY_FILE, or set "
        "pseudonym_key_file in phytowatch.toml (create a key with: phytowatch export-key FILE (or: openssl rand "
        "-hex 32 > FILE))")
    assert "only used with --pseudonymise" in _one_line(runner.invoke(main, [*base, "--key-file", "k.key"]))
    assert "k.key does not exist" in _one_line(runner.invoke(main, [*base, "--pseudonymise", "--key-file", "k.key"]))
    assert not (tmp_path / "out.csv").exists()


def test_cli_key_from_option_environment_or_config(database: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHYTOWATCH_CONFIG", raising=False)
    (tmp_path / "nppo.key").write_bytes(KEY)
    runner = CliRunner()

    def seller_of_first_row(*options: str, env: dict[str, str] | None = None) -> str:
        out = tmp_path / "out.csv"
        result = runner.invoke(main, ["export", "--db", str(database), "--output", str(out), "--pseudonymise",
                                      *options], env=env)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "(pseudonymised)" in result.output
        return next(csv.DictReader(out.open(encoding="utf-8")))["seller_key"]

    by_option = seller_of_first_row("--key-file", "nppo.key")
    assert seller_of_first_row(env={"PHYTOWATCH_PSEUDONYM_KEY_FILE": "nppo.key"}) == by_option
    (tmp_path / "phytowatch.toml").write_text('pseudonym_key_file = "nppo.key"\n')
    assert seller_of_first_row() == by_option
    with Store(database) as store:
        expected = write_export(store, "csv", tmp_path / "lib.csv", pseudonymise_key=KEY)
    assert next(csv.DictReader(expected.open(encoding="utf-8")))["seller_key"] == by_option


def test_evidence_is_never_in_a_pseudonymised_package(database: Path, tmp_path: Path) -> None:
    with Store(database) as store, pytest.raises(ExportError, match="cannot include evidence"):
        write_rppo_package(store, tmp_path / "x.zip", pseudonymise_key=KEY, include_evidence=True)
    assert not (tmp_path / "x.zip").exists()


def test_a_title_naming_another_seller(database: Path, tmp_path: Path) -> None:
    """A private seller says where the seeds come from: that nursery is pseudonymised too, by its own pseudonym."""
    with Store(database) as store:
        path = write_export(store, "json", tmp_path / "x.json", pseudonymise_key=KEY)
    records = {r["listing_id"]: r for r in json.loads(path.read_text(encoding="utf-8"))}
    datura, nursery = records["2468013579"], records["7001"]
    assert datura["title"].startswith(f"Graines de Datura (de chez {nursery['trader_name']}), contactez-moi au pw:")


def test_known_sellers_are_identifiers_not_words() -> None:
    from crawler.exports.known_sellers import KnownSellers

    known = KnownSellers(platforms={"ebay.de"})
    known.add(SellerIdentity("ebay.de", "garden", "Garden", "https://www.ebay.de/usr/garden"))
    known.add(SellerIdentity("ebay.de", "petra_74", "Gartenfreund Petra"))
    known.add(SellerIdentity("etsy.com", "28461937", "SeedVaultEmporium"))
    known.add(SellerIdentity("tulp.nl", "tulp.nl", "De Tulp", website="https://www.tulp.nl"))
    p = Pseudonymiser(KEY, known)
    text = "Garden bulbs by gartenfreund-petra, SeedVaultEmporium (shop 28461937), De Tulp at tulp.nl"
    scrubbed = p.scrub(text) or ""
    assert scrubbed.startswith("Garden bulbs by pw:name:")  # "Garden" is a word; two-word names are not
    for gone in ("petra", "SeedVault", "28461937", "tulp.nl"):
        assert gone.lower() not in scrubbed.lower(), scrubbed
    assert "De Tulp" in scrubbed  # under eight letters: too likely to be words ("de tulp", the tulip)
    assert "ebay" not in {w for words in known._known for w in words}  # a marketplace names nobody
    own = SellerIdentity("ebay.de", "garden", "Garden", "https://www.ebay.de/usr/garden")
    assert p.scrub("Garden bulbs", own) == f"{p.name('Garden')} bulbs"  # but its own listings lose it
