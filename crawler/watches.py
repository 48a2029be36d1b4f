"""Watches: the crawls phytowatch runs on its own, declared in ``watches.toml``.

A watch names a spider, its arguments, a cron schedule and politeness
overrides. The whole file is validated when it is loaded, before anything is
scheduled: an unknown spider, a wrong argument, a bad cron expression or a
misspelled key is one :class:`WatchError` naming the file, the line and the
key (``watches.toml:12: watches.ebay-de.schedule: ...``).

One thing is not a mistake in the file: a spider that needs a credential this
machine lacks (``ETSY_API_KEY``). The watch is kept, marked :attr:`Watch.skipped`
with the reason, and left out of the schedule; the other watches run. Fixing the
environment (and restarting the scheduler) brings it back without touching the file.

    [scheduler]
    timezone = "Europe/Amsterdam"

    [watches.ebay-de-seeds]
    spider = "ebay"
    schedule = "30 1 * * *"
    arguments = { site = "https://www.ebay.de", category = "seeds", lang = ["de"] }
    politeness = { DOWNLOAD_DELAY = 3 }
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from crawler.config import Config, ConfigError
from crawler.cron import NIGHTLY, crontab_trigger, parse_duration
from crawler.tomlkeys import KeyPath, key_lines, line_of

_WATCH_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
#: Spider arguments whose list form is joined with another separator than ",".
_LIST_SEPARATORS = {"query": ";"}


class WatchError(ConfigError):
    """The watches file is unreadable or wrong; the message names file, line and key."""


def _number(minimum: float, strict: bool = False, whole: bool = False) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"must be {'a whole number' if whole else 'a number'}, not {_kind(value)}"
        if value < minimum or (strict and value == minimum):
            return f"must be {'above' if strict else 'at least'} {minimum:g}, not {value!r}"
        return None

    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_kind(value)}"


#: The Scrapy settings a watch may override, and how each is checked.
POLITENESS: dict[str, Callable[[Any], str | None]] = {
    "DOWNLOAD_DELAY": _number(0),
    "RANDOMIZE_DOWNLOAD_DELAY": _boolean,
    "CONCURRENT_REQUESTS_PER_DOMAIN": _number(1, whole=True),
    "AUTOTHROTTLE_ENABLED": _boolean,
    "AUTOTHROTTLE_START_DELAY": _number(0),
    "AUTOTHROTTLE_MAX_DELAY": _number(0),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": _number(0, strict=True),
    "DOWNLOAD_TIMEOUT": _number(0, strict=True),
    "RETRY_TIMES": _number(0, whole=True),
    "PHYTOWATCH_MAX_BLOCKS": _number(1, whole=True),
}


@dataclass(frozen=True)
class SchedulerOptions:
    """The ``[scheduler]`` table: how ``phytowatch schedule run`` runs the watches."""

    #: Time zone of the cron schedules.
    timezone: tzinfo
    #: Crawls of different watches running at the same time.
    max_parallel: int = 2
    #: Seconds after its time within which a run missed while the scheduler was down still starts.
    misfire_grace_time: int = 6 * 3600
    #: Seconds a running crawl gets to finish after SIGTERM before it is killed and recorded as interrupted.
    stop_timeout: int = 300


@dataclass(frozen=True)
class Watch:
    """One validated watch."""

    name: str
    spider: str
    #: As the spider receives them (``-a key=value``).
    arguments: dict[str, str]
    #: The cron expression as written (five fields, or a nickname such as ``@daily``).
    schedule: str
    trigger: CronTrigger = field(compare=False, repr=False)
    enabled: bool = True
    #: Scrapy settings overridden for this watch's crawls.
    politeness: dict[str, Any] = field(default_factory=dict)
    line: int = 0
    #: Why the watch cannot run on this machine (its spider lacks a credential), or None when it can.
    skipped: str | None = None

    @property
    def crawl_settings(self) -> dict[str, str]:
        """The politeness overrides as ``-s NAME=VALUE`` strings."""
        return {key: str(value) for key, value in self.politeness.items()}

    @property
    def frontier(self) -> str:
        """Key of the crawl's saved frontier: another spider or other arguments never resume it."""
        digest = hashlib.sha256(json.dumps([self.spider, self.arguments], sort_keys=True).encode()).hexdigest()
        return f"{self.name}:{digest[:12]}"


@dataclass(frozen=True)
class WatchFile:
    """A loaded watches file."""

    path: Path
    watches: dict[str, Watch]
    options: SchedulerOptions

    def get(self, name: str) -> Watch:
        try:
            return self.watches[name]
        except KeyError:
            known = ", ".join(self.watches) or "none"
            raise WatchError(f"{self.path}: there is no watch called {name!r} (watches: {known})") from None

    @property
    def enabled(self) -> list[Watch]:
        """The watches to schedule: enabled, and able to run here."""
        return [watch for watch in self.watches.values() if watch.enabled and not watch.skipped]

    @property
    def skipped(self) -> list[Watch]:
        """The watches that cannot run here (see :attr:`Watch.skipped`), enabled or not."""
        return [watch for watch in self.watches.values() if watch.skipped]


def is_watch_name(name: str) -> bool:
    """Whether ``name`` may name a watch (it names the watch's files: lock, logs)."""
    return bool(_WATCH_NAME.match(name))


def watches_path(config: Config, explicit: str | Path | None = None) -> Path:
    """``--watches``, else ``watches`` in phytowatch.toml (relative to the working folder)."""
    return Path(explicit or config.watches)


def load_watches(path: str | Path, *, spiders: dict[str, type] | None = None) -> WatchFile:
    """Read and validate a watches file; the first problem is a :class:`WatchError`.

    ``spiders`` (name -> class) defaults to the project's spiders, as ``scrapy list`` shows them.
    """
    file = Path(path)
    if not file.exists():
        raise WatchError(f"watches file {file} does not exist")
    try:
        text = file.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise WatchError(f"{file}:{line.group(1) if line else '?'}: not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchError(f"{file}: cannot read the watches file: {exc}") from None
    return _Loader(file, key_lines(text), spiders).load(raw)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return {str: "text", int: "a whole number", float: "a number"}.get(type(value), type(value).__name__)


def _text_or_int(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _dotted(path: KeyPath) -> str:
    return ".".join(p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else json.dumps(p) for p in path)


class _Loader:
    """One pass over a parsed watches file; the first problem stops it with file:line: key."""

    TOP = ("scheduler", "defaults", "watches")
    SCHEDULER = ("timezone", "max_parallel", "misfire_grace_time", "stop_timeout")
    DEFAULTS = ("schedule", "politeness")
    WATCH = ("spider", "schedule", "enabled", "arguments", "politeness")

    def __init__(self, file: Path, lines: dict[KeyPath, int], spiders: dict[str, type] | None) -> None:
        self.file = file
        self.lines = lines
        self._spiders = spiders

    def error(self, path: KeyPath, message: str) -> WatchError:
        line = line_of(self.lines, path) if path else None
        where = f"{self.file}:{line}" if line else str(self.file)
        return WatchError(f"{where}: {_dotted(path)}: {message}" if path else f"{where}: {message}")

    def table(self, value: Any, path: KeyPath, known: tuple[str, ...] | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, f"must be a table, not {_kind(value)}")
        if known is not None:
            for key in value:
                if key not in known:
                    raise self.error((*path, key), f"unknown key {key!r} (known keys: {', '.join(known)})")
        return value

    def text(self, value: Any, path: KeyPath) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, f"must be text, not {_kind(value)}" if not isinstance(value, str) else "is empty")
        return value.strip()

    @property
    def spiders(self) -> dict[str, type]:
        if self._spiders is None:
            from scrapy.spiderloader import SpiderLoader

            from crawler.runner import project_settings

            loader = SpiderLoader.from_settings(project_settings())
            self._spiders = {name: loader.load(name) for name in loader.list()}
        return self._spiders

    def load(self, raw: dict[str, Any]) -> WatchFile:
        for key in raw:
            if key not in self.TOP:
                hint = " (watches are tables such as [watches.my-watch])" if isinstance(raw[key], dict) else ""
                raise self.error((key,), f"unknown key {key!r} (known keys: {', '.join(self.TOP)}){hint}")
        options = self.scheduler(self.table(raw.get("scheduler", {}), ("scheduler",), self.SCHEDULER))
        defaults = self.table(raw.get("defaults", {}), ("defaults",), self.DEFAULTS)
        default_schedule = self.text(defaults.get("schedule", NIGHTLY), ("defaults", "schedule"))
        self.trigger(default_schedule, ("defaults", "schedule"), options.timezone)
        default_politeness = self.politeness(defaults.get("politeness", {}), ("defaults", "politeness"))
        watches = {}
        for name, spec in self.table(raw.get("watches", {}), ("watches",), None).items():
            path = ("watches", name)
            if not is_watch_name(name):
                raise self.error(path, "a watch name is letters, digits, '-', '_' or '.' (at most 64), as it names"
                                       " files")  # fmt: skip
            watches[name] = self.watch(name, self.table(spec, path, self.WATCH), path, options,
                                       default_schedule, default_politeness)  # fmt: skip
        return WatchFile(self.file, watches, options)

    def scheduler(self, table: dict[str, Any]) -> SchedulerOptions:
        path = ("scheduler",)
        timezone: tzinfo
        if "timezone" in table:
            name = self.text(table["timezone"], (*path, "timezone"))
            try:
                timezone = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.error((*path, "timezone"), f"{name!r} is not a time zone (e.g. Europe/Amsterdam)") from None
        else:
            from tzlocal import get_localzone

            timezone = get_localzone()
        values: dict[str, int] = {}
        for key in ("misfire_grace_time", "stop_timeout"):
            if key in table:
                seconds = parse_duration(table[key])
                if seconds is None:
                    raise self.error((*path, key), f"must be seconds or a duration like \"30m\" or \"6h\","
                                                   f" not {table[key]!r}")  # fmt: skip
                values[key] = seconds
        if "max_parallel" in table:
            problem = _number(1, whole=True)(table["max_parallel"])
            if problem:
                raise self.error((*path, "max_parallel"), problem)
            values["max_parallel"] = table["max_parallel"]
        return SchedulerOptions(timezone=timezone, **values)

    def trigger(self, schedule: str, path: KeyPath, timezone: tzinfo) -> CronTrigger:
        try:
            return crontab_trigger(schedule, timezone)
        except ValueError as exc:
            raise self.error(path, f"{schedule!r} is not a cron schedule: {exc}") from None

    def politeness(self, value: Any, path: KeyPath) -> dict[str, Any]:
        table = self.table(value, path, tuple(POLITENESS))
        for key, setting in table.items():
            problem = POLITENESS[key](setting)
            if problem:
                raise self.error((*path, key), problem)
        return dict(table)

    def arguments(self, value: Any, path: KeyPath) -> dict[str, str]:
        arguments = {}
        for key, setting in self.table(value, path, None).items():
            if isinstance(setting, list) and setting and all(_text_or_int(v) for v in setting):
                arguments[key] = _LIST_SEPARATORS.get(key, ",").join(str(v).strip() for v in setting)
            elif _text_or_int(setting):
                arguments[key] = str(setting)
            else:
                raise self.error((*path, key), f"must be text, a whole number or a list of texts, not {_kind(setting)}")
        return arguments

    def watch(
        self, name: str, spec: dict[str, Any], path: KeyPath, options: SchedulerOptions, default_schedule: str,
        default_politeness: dict[str, Any],
    ) -> Watch:  # fmt: skip
        if "spider" not in spec:
            raise self.error(path, "names no spider (add e.g. spider = \"shopify\")")
        spider = self.text(spec["spider"], (*path, "spider"))
        if spider not in self.spiders:
            raise self.error((*path, "spider"), f"there is no spider called {spider!r}"
                                                f" (available: {', '.join(sorted(self.spiders))})")  # fmt: skip
        schedule = self.text(spec.get("schedule", default_schedule), (*path, "schedule"))
        trigger = self.trigger(schedule, (*path, "schedule"), options.timezone)
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.error((*path, "enabled"), f"must be true or false, not {_kind(enabled)}")
        arguments = self.arguments(spec.get("arguments", {}), (*path, "arguments"))
        skipped = self.check_arguments(spider, arguments, path)
        politeness = {**default_politeness, **self.politeness(spec.get("politeness", {}), (*path, "politeness"))}
        return Watch(name=name, spider=spider, arguments=arguments, schedule=schedule, trigger=trigger,
                     enabled=enabled, politeness=politeness, line=line_of(self.lines, path) or 0,
                     skipped=skipped)  # fmt: skip

    def check_arguments(self, spider: str, arguments: dict[str, str], path: KeyPath) -> str | None:
        """The spider's own validation, run now rather than at two in the morning.

        A wrong argument is a :class:`WatchError`. A credential the spider needs and
        this machine lacks is not the file's fault: its message is returned, and the
        watch is skipped while the others run.
        """
        from spiders.base import SpiderArgumentError, SpiderCredentialsMissing

        spidercls = self.spiders[spider]
        accepted = getattr(spidercls, "accepted_arguments", None)
        if accepted is not None:
            accepted = set(accepted) | {getattr(spidercls, "ROBOTS_OVERRIDE", "robots_override")}
            for key in arguments:
                if key not in accepted:
                    takes = ", ".join(sorted(accepted))
                    raise self.error((*path, "arguments", key), f"spider {spider!r} does not take {key!r} (it takes:"
                                                                f" {takes})")  # fmt: skip
        try:
            spidercls(**arguments)
        except SpiderCredentialsMissing as exc:
            return str(exc)
        except (SpiderArgumentError, TypeError, ValueError) as exc:
            message = str(exc)
            named = re.match(r"[a-z_]+", message)
            where: KeyPath = (*path, "arguments") if arguments else (*path, "spider")
            if named and named.group() in arguments:
                where = (*path, "arguments", named.group())
            raise self.error(where, message) from None
        return None
