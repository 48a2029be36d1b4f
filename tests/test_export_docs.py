"""docs/export-format.md says what the code writes: its field tables and HS table are the ones the code makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.exports.fields import DECISION_FIELDS, EVIDENCE_FIELDS, FORMAT_VERSION, LISTING_FIELDS, TRADER_FIELDS
from crawler.exports.hs_codes import load_hs_mapping
from crawler.exports.readme import field_table, hs_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "export-format.md"


@pytest.mark.parametrize(
    ("fields", "pseudonymised"),
    [(LISTING_FIELDS, True), (TRADER_FIELDS, True), (DECISION_FIELDS, True), (EVIDENCE_FIELDS, False)],
)
def test_field_tables_match_the_code(fields: tuple, pseudonymised: bool) -> None:  # type: ignore[type-arg]
    # regenerate with: field_table(FIELDS, True, "when pseudonymised")
    assert field_table(fields, pseudonymised, "when pseudonymised") in DOC.read_text(encoding="utf-8")


def test_hs_table_matches_the_mapping() -> None:
    assert hs_table(load_hs_mapping()) in DOC.read_text(encoding="utf-8")


def test_the_documented_version_is_the_written_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"**export format version {FORMAT_VERSION}**" in text
    assert f"| {FORMAT_VERSION} |" in text


def test_the_documented_key_command_makes_a_usable_key(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from crawler.export import load_key

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed here; phytowatch export-key is tested in test_export_pseudonymise")
    key = tmp_path / "export.key"
    with key.open("w") as out:
        subprocess.run([openssl, "rand", "-hex", "32"], stdout=out, check=True)
    assert "openssl rand -hex 32 > export.key" in DOC.read_text(encoding="utf-8")
    assert len(load_key(key)) == 64


def test_readme_export_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands of the README's "Exports for RPPOs" section work as written."""
    import shlex
    import zipfile

    from click.testing import CliRunner

    from crawler.cli import main
    from crawler.store import Store
    from tests.exportdata import build_export_store

    readme = (DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exports for RPPOs", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line) for line in section.strip().splitlines()]
    assert len(commands) >= 5 and all(c[0] == "phytowatch" for c in commands)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PHYTOWATCH_CONFIG", raising=False)
    database = build_export_store(tmp_path / "phytowatch.db")
    with Store(database) as store:
        store.start_run("ebay", {}, watch="ebay-de-seeds")
    for command in commands:
        result = CliRunner().invoke(main, command[1:])
        assert result.exit_code == 0, (command, result.output)
    assert zipfile.ZipFile(tmp_path / "exports" / "rppo-2026-11.zip").testzip() is None
    assert (tmp_path / "exports" / "high-risk.xlsx").stat().st_size > 0


def test_readme_hs_table_matches_the_mapping() -> None:
    readme = (DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    hs = load_hs_mapping()
    for category, codes in hs.codes_by_category.items():
        also = hs.also_by_category.get(category, ())
        assert f"| `{category}` | {', '.join(codes) or '–'} | {', '.join(also) or '–'} |" in readme
