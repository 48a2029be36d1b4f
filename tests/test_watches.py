"""The watches file: validated at load, every mistake one error naming the file, the line and the key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.config import Config, load_config
from crawler.tomlkeys import key_lines
from crawler.watches import NIGHTLY, WatchError, crontab_trigger, load_watches, parse_duration, watches_path

PROJECT = Path(__file__).resolve().parent.parent

GOOD = """\
[scheduler]
timezone = "UTC"
stop_timeout = "2m"

[defaults]
politeness = { DOWNLOAD_DELAY = 2 }

[watches.ebay-de-seeds]
spider = "ebay"
schedule = "30 1 * * *"
arguments = { site = "https://www.ebay.de", category = "seeds", lang = ["de", "nl"], max_pages = 3 }
politeness = { DOWNLOAD_DELAY = 4, AUTOTHROTTLE_ENABLED = false }

[watches.shops]
spider = "shopify"
enabled = false
arguments.stores = ["plantshop.example", "https://seeds.example"]

[watches.aquatics]
spider = "amazon"
arguments = { query = ["water hyacinth", "parrot feather"] }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watches.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_becomes_typed_watches(tmp_path: Path) -> None:
    watches = load_watches(write(tmp_path, GOOD))
    ebay, shops, aquatics = watches.watches.values()
    assert (ebay.spider, ebay.schedule, ebay.enabled) == ("ebay", "30 1 * * *", True)
    assert ebay.arguments == {"site": "https://www.ebay.de", "category": "seeds", "lang": "de,nl", "max_pages": "3"}
    assert ebay.crawl_settings == {"DOWNLOAD_DELAY": "4", "AUTOTHROTTLE_ENABLED": "False"}
    assert ebay.line == 8
    assert (shops.enabled, shops.arguments["stores"], shops.schedule) == (False, "plantshop.example,https://seeds.example",
                                                                         NIGHTLY)  # fmt: skip
    assert shops.politeness == {"DOWNLOAD_DELAY": 2}  # from [defaults]
    assert aquatics.arguments == {"query": "water hyacinth;parrot feather"}  # queries are ';'-separated
    assert [w.name for w in watches.enabled] == ["ebay-de-seeds", "aquatics"]
    assert watches.options.stop_timeout == 120 and watches.options.timezone == ZoneInfo("UTC")
    assert ebay.frontier.startswith("ebay-de-seeds:") and ebay.frontier != aquatics.frontier


def test_the_example_file_is_valid() -> None:
    watches = load_watches(PROJECT / "watches.example.toml")
    assert len(watches.enabled) >= 5
    assert {w.spider for w in watches.watches.values()} >= {"ebay", "amazon", "leboncoin", "shopify", "sitemap"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # an unknown spider
        (('spider = "ebay"', 'spider = "ebya"'),
         "watches.toml:9: watches.ebay-de-seeds.spider: there is no spider called 'ebya' (available: aliexpress,"),
        # a bad cron expression
        (('"30 1 * * *"', '"30 25 * * *"'),
         "watches.toml:10: watches.ebay-de-seeds.schedule: '30 25 * * *' is not a cron schedule"),
        (('"30 1 * * *"', '"30 1 * *"'),
         "watches.toml:10: watches.ebay-de-seeds.schedule: '30 1 * *' is not a cron schedule: a cron schedule has"
         " five fields"),
        (('"30 1 * * *"', '"30 1 31 2 *"'), "watches.toml:10: watches.ebay-de-seeds.schedule: '30 1 31 2 *' is not a"
                                            " cron schedule: this schedule never comes round"),
        # misspelled keys, at every level
        (("enabled = false", "enabeld = false"),
         "watches.toml:16: watches.shops.enabeld: unknown key 'enabeld' (known keys: spider, schedule, enabled,"),
        (("[defaults]", "[default]"), "watches.toml:5: default: unknown key 'default'"),
        (("stop_timeout", "stop_timout"), "watches.toml:3: scheduler.stop_timout: unknown key 'stop_timout'"),
        (("DOWNLOAD_DELAY = 4", "DOWNLOAD_DELAI = 4"),
         "watches.toml:12: watches.ebay-de-seeds.politeness.DOWNLOAD_DELAI: unknown key 'DOWNLOAD_DELAI'"),
        (('category = "seeds"', 'categroy = "seeds"'),
         "watches.toml:11: watches.ebay-de-seeds.arguments.categroy: spider 'ebay' does not take 'categroy'"),
        (("arguments.stores", "arguments.shops"),
         "watches.toml:17: watches.shops.arguments.shops: spider 'shopify' does not take 'shops'"),
        # wrong types
        (("enabled = false", 'enabled = "no"'),
         "watches.toml:16: watches.shops.enabled: must be true or false, not text"),
        (("DOWNLOAD_DELAY = 4", 'DOWNLOAD_DELAY = "4"'),
         "watches.toml:12: watches.ebay-de-seeds.politeness.DOWNLOAD_DELAY: must be a number, not text"),
        (("max_pages = 3", "max_pages = 2.5"),
         "watches.toml:11: watches.ebay-de-seeds.arguments.max_pages: must be text, a whole number or a list of texts,"
         " not a number"),
        (('spider = "amazon"', "spider = 7"), "watches.toml:20: watches.aquatics.spider: must be text, not a whole"),
        (('stop_timeout = "2m"', 'stop_timeout = "soon"'),
         'watches.toml:3: scheduler.stop_timeout: must be seconds or a duration like "30m" or "6h", not \'soon\''),
        # values the spider or the settings refuse
        (("max_pages = 3", "max_pages = 0"),
         "watches.toml:11: watches.ebay-de-seeds.arguments.max_pages: max_pages must be a whole number of at least 1"),
        (('lang = ["de", "nl"]', 'lang = ["xx"]'),
         "watches.toml:11: watches.ebay-de-seeds.arguments: no seeds keywords in xx"),
        (("AUTOTHROTTLE_ENABLED = false", "CONCURRENT_REQUESTS_PER_DOMAIN = 0"),
         "watches.toml:12: watches.ebay-de-seeds.politeness.CONCURRENT_REQUESTS_PER_DOMAIN: must be at least 1"),
        (('timezone = "UTC"', 'timezone = "Europe/Amsterdan"'),
         "watches.toml:2: scheduler.timezone: 'Europe/Amsterdan' is not a time zone"),
        (('spider = "shopify"\n', ""), "watches.toml:14: watches.shops: names no spider"),
        (("[watches.shops]", "[watches.\"shops/nl\"]"), "watches.toml:14: watches.\"shops/nl\": a watch name is"),
        # not TOML at all
        (("enabled = false", "enabled = "), "watches.toml:16: not valid TOML"),
    ],
)
def test_each_mistake_is_one_error_naming_file_line_and_key(tmp_path: Path, change: tuple[str, str],
                                                            expected: str) -> None:  # fmt: skip
    path = write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(WatchError) as caught:
        load_watches(path)
    message = str(caught.value)
    assert message.startswith(str(tmp_path) + "/"), message
    assert expected in message, message
    assert "\n" not in message


ETSY = """
[watches.etsy-seeds]
spider = "etsy"
schedule = "0 4 * * *"
arguments = { category = "seeds", lang = ["en"] }
"""


def test_a_watch_whose_spider_lacks_its_credential_is_skipped_and_the_others_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ETSY_API_KEY", raising=False)
    watches = load_watches(write(tmp_path, GOOD + ETSY))
    etsy = watches.get("etsy-seeds")
    assert etsy.skipped is not None and etsy.skipped.startswith("Etsy search needs an Open API key: set ETSY_API_KEY")
    assert [w.name for w in watches.enabled] == ["ebay-de-seeds", "aquatics"]  # the others still run
    assert [w.name for w in watches.skipped] == ["etsy-seeds"]
    assert watches.get("ebay-de-seeds").skipped is None
    monkeypatch.setenv("ETSY_API_KEY", "etsy-keystring")
    watches = load_watches(write(tmp_path, GOOD + ETSY))
    assert watches.get("etsy-seeds").skipped is None
    assert [w.name for w in watches.enabled] == ["ebay-de-seeds", "aquatics", "etsy-seeds"]


@pytest.mark.parametrize(("change", "expected"), [
    (('category = "seeds"', 'categroy = "seeds"'),
     "watches.toml:26: watches.etsy-seeds.arguments.categroy: spider 'etsy' does not take 'categroy'"),
    (('lang = ["en"]', 'lang = ["xx"]'), "watches.toml:26: watches.etsy-seeds.arguments: no seeds keywords in xx"),
    (('"0 4 * * *"', '"0 25 * * *"'), "watches.toml:25: watches.etsy-seeds.schedule: '0 25 * * *' is not a cron"),
    (('schedule = "0 4 * * *"', 'schedule = "0 4 * * *"\npoliteness = { DOWNLOAD_DELAY = "2" }'),
     "watches.toml:26: watches.etsy-seeds.politeness.DOWNLOAD_DELAY: must be a number, not text"),
    (('schedule = "0 4 * * *"', 'schedule = "0 4 * * *"\nenable = true'),
     "watches.toml:26: watches.etsy-seeds.enable: unknown key 'enable'"),
])  # fmt: skip
def test_a_watch_without_its_credential_still_fails_the_file_for_a_real_mistake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], expected: str
) -> None:
    monkeypatch.delenv("ETSY_API_KEY", raising=False)
    with pytest.raises(WatchError) as caught:
        load_watches(write(tmp_path, GOOD + ETSY.replace(*change)))
    assert expected in str(caught.value), str(caught.value)


def test_a_missing_file_or_watch_is_named(tmp_path: Path) -> None:
    with pytest.raises(WatchError, match="watches file .*nowhere.toml does not exist"):
        load_watches(tmp_path / "nowhere.toml")
    watches = load_watches(write(tmp_path, GOOD))
    with pytest.raises(WatchError, match=r"no watch called 'ebay' \(watches: ebay-de-seeds, shops, aquatics\)"):
        watches.get("ebay")


@pytest.mark.parametrize(
    ("schedule", "weekdays"),
    [
        ("0 3 * * 0", {"Sun"}),  # cron's 0 is Sunday (APScheduler 3 alone would read Monday)
        ("0 3 * * 7", {"Sun"}),
        ("0 3 * * 1-5", {"Mon", "Tue", "Wed", "Thu", "Fri"}),
        ("0 3 * * 0-2", {"Sun", "Mon", "Tue"}),
        ("0 3 * * */3", {"Sun", "Wed", "Sat"}),
        ("0 3 * * sat,sun", {"Sat", "Sun"}),
        ("@weekly", {"Sun"}),
        ("@daily", {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}),
    ],
)
def test_cron_weekdays_mean_what_they_mean_in_cron(schedule: str, weekdays: set[str]) -> None:
    trigger = crontab_trigger(schedule, "UTC")
    moment, seen = datetime(2026, 11, 1, tzinfo=ZoneInfo("UTC")), set()
    for _ in range(14):
        moment = trigger.get_next_fire_time(moment, moment)
        seen.add(moment.strftime("%a"))
        moment = moment.replace(hour=23)
    assert seen == weekdays


def test_cron_refuses_day_of_month_and_weekday_together() -> None:
    with pytest.raises(ValueError, match="not both"):
        crontab_trigger("0 3 1 * 1", "UTC")


@pytest.mark.parametrize(("value", "seconds"), [(300, 300), ("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400),
                                                ("1.5h", 5400), ("soon", None), (True, None), (-5, None)])  # fmt: skip
def test_durations(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


def test_key_lines_find_tables_dotted_and_inline_keys_past_strings_and_arrays() -> None:
    text = (
        'title = "x = y"  # a = 1\n'
        "[watches.\"ebay de\"]\n"
        'notes = """\n'
        "fake = 1\n"
        "[not.a.table]\n"
        '"""\n'
        "stores = [\n"
        '  "a = b",\n'
        "]\n"
        "arguments = { site = \"s\", nested = { deep = 1 } }\n"
        "politeness.DOWNLOAD_DELAY = 2\n"
    )
    lines = key_lines(text)
    assert lines[("title",)] == 1
    assert lines[("watches", "ebay de")] == 2
    assert ("not", "a", "table") not in lines and ("watches", "ebay de", "fake") not in lines
    assert lines[("watches", "ebay de", "stores")] == 7
    assert lines[("watches", "ebay de", "arguments", "nested", "deep")] == 10
    assert lines[("watches", "ebay de", "politeness", "DOWNLOAD_DELAY")] == 11


def test_the_watches_file_comes_from_phytowatch_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert watches_path(Config()) == Path("watches.toml")
    (tmp_path / "phytowatch.toml").write_text('watches = "/etc/phytowatch/watches.toml"\n')
    config = load_config()
    assert watches_path(config) == Path("/etc/phytowatch/watches.toml")
    assert watches_path(config, "mine.toml") == Path("mine.toml")  # --watches wins


def test_the_readme_documents_a_valid_watches_file_and_every_key(tmp_path: Path) -> None:
    import re

    from crawler.watches import POLITENESS, _Loader

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    [example] = [block for block in re.findall(r"```toml\n(.*?)```", readme, re.S) if "[watches." in block]
    watches = load_watches(write(tmp_path, example))
    for line in re.findall(r"^\d.*schedule run-now ([\w.-]+) ", readme, re.M):  # the crontab's watches
        assert watches.get(line)
    section = readme[readme.index("### Scheduling: watches"):readme.index("### JavaScript pages")]
    for key in (*_Loader.SCHEDULER, *_Loader.DEFAULTS, *_Loader.WATCH, *POLITENESS):
        assert f"`{key}`" in section or f"] {key}`" in section, key
