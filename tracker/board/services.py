"""Moving a card on a board, and a WG's WIP limits.

A move is an ordinary ticket edit: ``update_ticket`` with the card's ``lock_version`` applies the workflow
and the field rules, journals the change and notifies, exactly as the edit form does. The board only
refuses first, in the user's words, what its columns did not offer (``board.may_drop``)."""
from __future__ import annotations

from sqlalchemy import select

from tracker.board.board import is_read_only, may_drop
from tracker.board.columns import COLUMN_FIELDS
from tracker.board.models import BoardWipLimit
from tracker.core import history
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets import services as ticket_services

MAX_WIP_LIMIT = 999


def move_card(ticket, user, column_by: str, target: str, lock_version=None):
    """Put ``ticket`` in the column ``target`` of a board laid out by ``column_by``; returns the journal.
    Raises ServiceError (refused) or StaleTicketError (the card changed since the board was loaded)."""
    if column_by not in COLUMN_FIELDS:
        raise ServiceError(_("Unknown board column: %(name)s", name=column_by))
    target = str(target or "")
    if lock_version not in (None, "") and str(lock_version).isdigit() and int(lock_version) != ticket.lock_version:
        raise ticket_services.StaleTicketError(ticket)
    if is_read_only(user, ticket.wg):
        raise ServiceError(_("This WG is closed: its board is read-only."))
    if target == COLUMN_FIELDS[column_by].key_of(ticket):
        return None
    if not may_drop(user, ticket, column_by, target):
        raise ServiceError(_("#%(id)s cannot be moved to this column: the workflow or your role does not allow it.",
                             id=ticket.id))
    return ticket_services.update_ticket(ticket, user, COLUMN_FIELDS[column_by].values_for(target),
                                         lock_version=lock_version)


def wip_limits_text(wg) -> list[str]:
    """The WG's WIP limits as its 履歴 shows them ("status:3 = 5")."""
    rows = db.session.scalars(select(BoardWipLimit).where(BoardWipLimit.wg_id == wg.id)
                              .order_by(BoardWipLimit.column_by, BoardWipLimit.column_key))
    return [f"{r.column_by}:{r.column_key} = {r.wip_limit}" for r in rows]


def set_wip_limits(wg, user, column_by: str, limits: dict[str, str]) -> None:
    """Replace the WIP limits of the WG's board columns by ``column_by``; ``limits``: column key -> the
    number typed ("" = no limit). A WG setting: it needs ``manage_wg`` and is journaled in the WG's 履歴."""
    if not wg.allows(user, "manage_wg") or is_read_only(user, wg):
        raise ServiceError(_("You may not change the board settings of this WG."))
    if column_by not in COLUMN_FIELDS:
        raise ServiceError(_("Unknown board column: %(name)s", name=column_by))
    parsed, problems = {}, []
    for key, raw in limits.items():
        raw = (raw or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 0 < int(raw) <= MAX_WIP_LIMIT:
            problems.append(_("A WIP limit is a whole number from 1 to %(max)s.", max=MAX_WIP_LIMIT))
            continue
        parsed[str(key)[:40]] = int(raw)
    if problems:
        raise ServiceError(sorted(set(problems)))
    before = wip_limits_text(wg)
    existing = {r.column_key: r for r in db.session.scalars(select(BoardWipLimit).where(
        BoardWipLimit.wg_id == wg.id, BoardWipLimit.column_by == column_by))}
    for key, row in existing.items():
        if key not in parsed:
            db.session.delete(row)
    for key, number in parsed.items():
        if key in existing:
            existing[key].wip_limit = number
        else:
            db.session.add(BoardWipLimit(wg_id=wg.id, column_by=column_by, column_key=key, wip_limit=number))
    db.session.flush()
    history.record(user, wg, [["board_wip_limits", before, wip_limits_text(wg)]])
