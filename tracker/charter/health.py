"""Health signals of WGs for the DX office's portfolio board.

Features register a signal with ``register(key, label, counter)``; ``counter(wg_ids, today)`` returns
{wg_id: count} for the WGs with something wrong (KPIs behind, quarter reports missing, risks past review,
overdue tickets ...). The board shows every WG by phase with its non-zero signals.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import select

from tracker.charter.models import LAUNCH, PHASES, Charter
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.wg.models import WorkingGroup


@dataclass(frozen=True)
class Signal:
    key: str
    label: object
    counter: Callable[[list[int], date], dict[int, int]]
    link: Callable[[object], str] | None = None  # wg -> the page that shows what is wrong


SIGNALS: dict[str, Signal] = {}


def register(key: str, label, counter, link=None) -> None:
    SIGNALS[key] = Signal(key, label, counter, link)


def signals_for(wg_ids: list[int], today: date) -> dict[int, list[tuple[Signal, int]]]:
    found: dict[int, list[tuple[Signal, int]]] = {wg_id: [] for wg_id in wg_ids}
    for signal in SIGNALS.values():
        for wg_id, count in signal.counter(wg_ids, today).items():
            if count and wg_id in found:
                found[wg_id].append((signal, count))
    return found


def portfolio(user, today: date | None = None) -> dict[str, list[tuple[WorkingGroup, list]]]:
    today = today or local_today()
    rows = db.session.execute(
        select(WorkingGroup, Charter.phase)
        .outerjoin(Charter, Charter.wg_id == WorkingGroup.id)
        .where(WorkingGroup.visible(user))
        .order_by(WorkingGroup.name)
    ).all()
    signals = signals_for([wg.id for wg, _phase in rows], today)
    board: dict[str, list] = {phase: [] for phase in PHASES}
    for wg, phase in rows:
        board[phase or LAUNCH].append((wg, signals[wg.id]))
    return board
