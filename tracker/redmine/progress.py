"""A progress line with rate and ETA for long imports, e.g.
``issues 12,300/100,000 (12.3%) · 410/s · elapsed 0:00:30 · ETA 0:03:09``.

A plain line every few seconds rather than a redrawn bar (tqdm, rich): the import of a large server runs for
tens of minutes, often under nohup, cron or a service manager whose log would fill with carriage-return
redraws; a line a few seconds apart reads the same on a terminal and in a log, and needs no dependency.
The rate is of this run (a resumed run does not count what was imported before) and the ETA follows it.
"""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Callable


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=int(seconds)))


class RateMeter:
    def __init__(self, what: str, total: int, say: Callable[[str], None], every: float = 5.0):
        self.what, self.total, self.say, self.every = what, total, say, every
        self.done = self.already = 0
        self.started = self.last = time.monotonic()

    def start(self, total: int, already: int = 0) -> None:
        self.total, self.done, self.already = total, already, already
        self.started = self.last = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.say(self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-6)
        rate = (self.done - self.already) / elapsed
        share = f" ({100 * self.done / self.total:.1f}%)" if self.total else ""
        left = max(self.total - self.done, 0)
        eta = _clock(left / rate) if rate > 0 else "?"
        return (f"{self.what} {self.done:,}/{self.total:,}{share} · {rate:,.0f}/s · elapsed {_clock(elapsed)}"
                f" · ETA {eta}")

    def finish(self) -> None:
        self.say(self.line())
