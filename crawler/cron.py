"""Cron schedules and durations as a watches file writes them.

A watch's ``schedule`` is a five-field crontab line or one of cron's nicknames,
with cron's meaning of the day-of-week numbers (which APScheduler 3 alone reads
differently); ``misfire_grace_time`` and ``stop_timeout`` are seconds or
``"30m"``-style durations. Kept apart from :mod:`crawler.watches`, which checks a
whole file and names the line of a mistake.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

from apscheduler.triggers.cron import CronTrigger

#: Cron schedule of a watch that names none: every night at 02:00 (scheduler time zone).
NIGHTLY = "0 2 * * *"
#: Cron's nicknames.
CRON_NICKNAMES = {
    "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@nightly": NIGHTLY,
    "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
}  # fmt: skip
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def crontab_trigger(expr: str, timezone: tzinfo | str) -> CronTrigger:
    """A trigger for a five-field crontab line, with cron's meaning of day-of-week numbers.

    APScheduler 3 reads day-of-week 0 as Monday; cron reads it as Sunday (and 7 too).
    Numbers are turned into day names first, so ``0 3 * * 0`` runs on Sundays as in cron.
    """
    expr = CRON_NICKNAMES.get(expr.strip().lower(), expr)
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"a cron schedule has five fields (minute hour day month weekday), not {len(fields)}")
    if fields[2] not in ("*", "?") and fields[4] not in ("*", "?"):
        raise ValueError("restrict the day of the month or the day of the week, not both (cron would run on either)")
    fields[4] = _cron_weekdays(fields[4])
    trigger = CronTrigger.from_crontab(" ".join(fields), timezone=timezone)
    if trigger.get_next_fire_time(None, datetime.now(trigger.timezone)) is None:
        raise ValueError("this schedule never comes round")
    return trigger


_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _cron_weekdays(spec: str) -> str:
    """Cron's day-of-week field (0 or 7 = Sunday) in day names APScheduler reads the same way."""
    if spec in ("*", "?"):
        return spec
    parts = []
    for part in spec.lower().split(","):
        match = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", part)
        if not match:
            parts.append(part)  # day names, or something APScheduler will refuse with its own message
            continue
        first, last, step = match.groups()
        if first == "*":
            start, end = 0, 6
        else:
            start = int(first)
            end = int(last) if last is not None else (7 if step else start)
        if not 0 <= start <= 7 or not 0 <= end <= 7 or start > end:
            raise ValueError(f"day of week {part!r}: days are 0-7 (0 and 7 are Sunday) or sun-sat")
        days = range(start, end + 1, int(step or 1))
        parts.extend(dict.fromkeys(_DAYS[day % 7] for day in days))
    return ",".join(dict.fromkeys(parts))


def parse_duration(value: Any) -> int | None:
    """Seconds from ``300``, ``"90s"``, ``"30m"``, ``"6h"`` or ``"1d"``; None when it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    match = _DURATION.match(value) if isinstance(value, str) else None
    return int(float(match.group(1)) * _UNITS[match.group(2)]) if match else None
