"""A board for one user: the cards a ticket query selects, in columns (and lanes), and for each card the
columns it may be dropped in.

The drop targets are the ticket service's own rules, asked once per WG rather than once per card: the
workflow for a status (the user's roles × tracker × current status), the edit permission and the field's
choices for the others (an active member, an open milestone or a category of the card's WG), and nothing at
all in a read-only (closed or stopped) WG. ``move_card`` asks the same function for the one card it moves."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.accounts.models import User
from tracker.board.cards import Card, card_of, load_cards
from tracker.board.columns import COLUMN_FIELDS, LANE_FIELDS, NONE_LABELS
from tracker.board.models import BoardWipLimit
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.tickets.fields import workflow
from tracker.tickets.models import IssueCategory, Ticket, Tracker, Version, WorkflowTransition
from tracker.wg import permissions as wg_permissions
from tracker.wg.models import Member, MemberRole

MAX_CARDS = 500  # a board is for work in progress; beyond this the list (with paging) is the better view


@dataclass
class Column:
    key: str
    label: str
    wg_id: int | None = None  # a milestone's or category's WG: only that WG's cards go there
    wip_limit: int | None = None
    count: int = 0

    @property
    def over_limit(self) -> bool:
        return self.wip_limit is not None and self.count > self.wip_limit


@dataclass
class Lane:
    key: str
    label: str
    cards: dict[str, list[Card]] = field(default_factory=lambda: defaultdict(list))  # column key -> cards


@dataclass
class Board:
    column_by: str
    lane_by: str | None
    columns: list[Column]
    lanes: list[Lane]
    cards: list[Card]
    allowed: dict[int, list[str]]  # card id -> the columns it may be dropped in (its own excluded)
    total: int
    wg: object = None

    @property
    def truncated(self) -> bool:
        return self.total > len(self.cards)

    @property
    def read_only(self) -> bool:
        return not any(self.allowed.values())


def is_read_only(user, wg) -> bool:
    """A closed or stopped WG (any WG restriction) keeps only reading, for everyone but administrators,
    as the WG policy says; its board offers no drag and no move menu."""
    return not user.is_admin and any(r.applies_to(wg) for r in wg_permissions.RESTRICTIONS.values())


class DropRules:
    """Where ``user`` may drop cards, asked once per WG of the cards (a fixed number of queries)."""

    def __init__(self, user, column_by: str, cards: list[Ticket]):
        self.user = user
        self.column_by = column_by
        wgs = {t.wg_id: t.wg for t in cards}
        self.read_only = {wg_id: is_read_only(user, wg) for wg_id, wg in wgs.items()}
        self.can_edit = {wg_id: wg.allows(user, "edit_issues") for wg_id, wg in wgs.items()}
        self.targets: dict = {}
        if column_by == "status" and not user.is_admin:
            self._load_transitions(list(wgs))
        elif column_by == "assigned_to":
            self._load_members(list(wgs))
        elif column_by in ("fixed_version", "category"):
            model = Version if column_by == "fixed_version" else IssueCategory
            stmt = select(model.wg_id, model.id).where(model.wg_id.in_(list(wgs)))
            if model is Version:
                stmt = stmt.where(Version.status == "open")
            per_wg = defaultdict(set)
            for wg_id, ident in db.session.execute(stmt):
                per_wg[wg_id].add(str(ident))
            self.targets = per_wg
        elif column_by == "tracker":
            self.targets = {str(i) for i in db.session.scalars(select(Tracker.id))}
        self.all_statuses = [str(s.id) for s in workflow.all_statuses()] if column_by == "status" else []

    def _load_transitions(self, wg_ids: list[int]) -> None:
        roles = defaultdict(set)
        for wg_id, role_id in db.session.execute(
                select(Member.wg_id, MemberRole.role_id).join(MemberRole, MemberRole.member_id == Member.id)
                .where(Member.user_id == self.user.id, Member.wg_id.in_(wg_ids))):
            roles[wg_id].add(role_id)
        self.roles = roles
        every_role = {r for rs in roles.values() for r in rs}
        moves = defaultdict(set)  # (role, tracker, old status) -> new statuses
        if every_role:
            for role_id, tracker_id, old, new in db.session.execute(
                    select(WorkflowTransition.role_id, WorkflowTransition.tracker_id, WorkflowTransition.old_status_id,
                           WorkflowTransition.new_status_id).where(WorkflowTransition.role_id.in_(every_role))):
                moves[(role_id, tracker_id, old)].add(str(new))
        self.moves = moves

    def _load_members(self, wg_ids: list[int]) -> None:
        members = defaultdict(set)
        for wg_id, user_id in db.session.execute(
                select(Member.wg_id, Member.user_id).join(User, User.id == Member.user_id)
                .where(Member.wg_id.in_(wg_ids), User.active.is_(True))):
            members[wg_id].add(f"user:{user_id}")
        self.targets = members

    def allowed(self, ticket: Ticket, columns: list[Column]) -> list[str]:
        """The columns of ``columns`` that ``ticket`` may be dropped in (not its own)."""
        if self.read_only[ticket.wg_id]:
            return []
        current = COLUMN_FIELDS[self.column_by].key_of(ticket)
        if self.column_by == "status":
            if self.user.is_admin:
                possible = set(self.all_statuses)
            else:
                possible = set()
                for role_id in self.roles.get(ticket.wg_id, ()):
                    possible |= self.moves.get((role_id, ticket.tracker_id, ticket.status_id), set())
        elif not self.can_edit[ticket.wg_id]:
            return []
        elif self.column_by == "assigned_to":
            # a member of the card's WG, a section (anyone may be handed to a 課), or nobody
            possible = self.targets.get(ticket.wg_id, set()) | {c.key for c in columns if c.key.startswith("section:")} | {""}
        elif self.column_by == "tracker":
            possible = self.targets
        else:
            possible = self.targets.get(ticket.wg_id, set()) | {""}
        return [c.key for c in columns if c.key != current and c.key in possible
                and (c.wg_id is None or c.wg_id == ticket.wg_id)]


def _columns(column_by: str, wg, cards: list[Ticket]) -> list[Column]:
    """Every column a card could be in: all statuses / trackers; the WG's members, milestones and categories
    (across WGs: those of the cards shown), with a "none" column first."""
    wg_ids = [wg.id] if wg is not None else sorted({t.wg_id for t in cards})
    across = wg is None
    if column_by == "status":
        return [Column(str(s.id), s.name) for s in workflow.all_statuses()]
    if column_by == "tracker":
        return [Column(str(t.id), t.name) for t in db.session.scalars(select(Tracker).order_by(Tracker.position, Tracker.id))]
    columns = [Column("", str(NONE_LABELS[column_by]))]
    if column_by == "assigned_to":
        seen = {}
        if not across:
            from tracker.tickets.fields.values import assignable_users

            for user in assignable_users(wg):
                seen[f"user:{user.id}"] = user.name
        for ticket in cards:
            if ticket.assignee_key and ticket.assignee_key not in seen:
                seen[ticket.assignee_key] = str(ticket.assignee)
        return columns + [Column(key, label) for key, label in seen.items()]
    model = Version if column_by == "fixed_version" else IssueCategory
    used = {getattr(t, f"{'fixed_version' if model is Version else 'category'}_id") for t in cards} - {None}
    stmt = select(model).where(model.wg_id.in_(wg_ids))
    if model is Version:
        stmt = stmt.where((Version.status == "open") | Version.id.in_(used)).order_by(
            Version.effective_date.is_(None), Version.effective_date, Version.name)
    else:
        stmt = stmt.order_by(IssueCategory.name)
    names = {}
    if across:
        from tracker.wg.models import WorkingGroup

        names = dict(db.session.execute(select(WorkingGroup.id, WorkingGroup.name).where(WorkingGroup.id.in_(wg_ids))).all())
    for item in db.session.scalars(stmt):
        label = f"{item.name}（{names[item.wg_id]}）" if across else item.name
        columns.append(Column(str(item.id), label, wg_id=item.wg_id))
    return columns


def _label_of(column_by: str, key: str) -> str:
    """A column no list offered (a locked milestone of another WG ...): named by its milestone or category."""
    model = {"fixed_version": Version, "category": IssueCategory}.get(column_by)
    name = db.session.scalar(select(model.name).where(model.id == int(key))) if model and key.isdigit() else None
    return name or key


def wip_limits(wg, column_by: str) -> dict[str, int]:
    if wg is None:
        return {}
    return dict(db.session.execute(select(BoardWipLimit.column_key, BoardWipLimit.wip_limit).where(
        BoardWipLimit.wg_id == wg.id, BoardWipLimit.column_by == column_by)).all())


def build_board(user, query, column_by: str = "status", lane_by: str | None = None) -> Board:
    """The board of ``query``'s tickets (a TicketQuery: its filters decide the cards)."""
    user = getattr(user, "_get_current_object", lambda: user)()  # not the proxy: asked once per card
    field_def = COLUMN_FIELDS[column_by]
    ids = query.page_ids(0, MAX_CARDS + 1)  # in the list's order: an index walk when the board is broad
    total = len(ids) if len(ids) <= MAX_CARDS else query.count()  # counted only when not all are shown
    cards = load_cards(ids[:MAX_CARDS])
    columns = _columns(column_by, query.wg, cards)
    limits = wip_limits(query.wg, column_by)
    by_key = {c.key: c for c in columns}
    for ticket in cards:
        key = field_def.key_of(ticket)
        if key not in by_key:  # e.g. a locked milestone of another WG: still shown where the card is
            by_key[key] = Column(key, _label_of(column_by, key))
            columns.append(by_key[key])
        by_key[key].count += 1
    for column in columns:
        column.wip_limit = limits.get(column.key)
    lanes: dict[str, Lane] = {}
    if lane_by:
        lane_def = LANE_FIELDS[lane_by]
        for ticket in sorted(cards, key=lane_def.order_of):
            key = lane_def.key_of(ticket)
            if key not in lanes:
                lanes[key] = Lane(key, lane_def.label_of(ticket) or str(NONE_LABELS.get(lane_by, "—")))
    else:
        lanes[""] = Lane("", "")
    for ticket in cards:
        lane_key = LANE_FIELDS[lane_by].key_of(ticket) if lane_by else ""
        lanes[lane_key].cards[field_def.key_of(ticket)].append(ticket)
    rules = DropRules(user, column_by, cards)
    allowed = {t.id: rules.allowed(t, columns) for t in cards}
    return Board(column_by, lane_by, columns, list(lanes.values()), cards, allowed, total, query.wg)


def card_json(ticket: Card, board: Board, today=None) -> dict:
    today = today or local_today()
    return {
        "id": ticket.id, "subject": ticket.subject, "url": ticket.url, "lock_version": ticket.lock_version,
        "column": COLUMN_FIELDS[board.column_by].key_of(ticket),
        "lane": LANE_FIELDS[board.lane_by].key_of(ticket) if board.lane_by else "",
        "wg": {"id": ticket.wg_id, "identifier": ticket.wg.identifier, "name": ticket.wg.name},
        "status": {"id": ticket.status_id, "name": ticket.status.name, "is_closed": ticket.status.is_closed},
        "priority": {"id": ticket.priority_id, "name": ticket.priority.name},
        "assignee": ticket.assignee_name,
        "due_date": ticket.due_date.isoformat() if ticket.due_date else None,
        "overdue_days": 0 if ticket.status.is_closed or not ticket.due_date else max((today - ticket.due_date).days, 0),
        "allowed_columns": board.allowed.get(ticket.id, []),
    }


def board_json(board: Board) -> dict:
    today = local_today()  # once: it reads the app's timezone
    return {
        "column_by": board.column_by, "lane_by": board.lane_by, "total": board.total, "truncated": board.truncated,
        "read_only": board.read_only,
        "columns": [{"key": c.key, "label": c.label, "count": c.count, "wip_limit": c.wip_limit,
                     "over_limit": c.over_limit} for c in board.columns],
        "lanes": [{"key": lane.key, "label": lane.label} for lane in board.lanes],
        "cards": [card_json(t, board, today) for t in board.cards],
    }


def card_after_move(user, ticket: Ticket, column_by: str, lane_by: str | None) -> dict:
    """One card's JSON as its board would show it now (its new drop targets: a new status has others)."""
    card = card_of(ticket)
    allowed = DropRules(user, column_by, [card]).allowed(card, _columns(column_by, ticket.wg, [card]))
    return card_json(card, Board(column_by, lane_by, [], [], [card], {card.id: allowed}, 1))


def may_drop(user, ticket: Ticket, column_by: str, target: str) -> bool:
    """Whether one card may go to the column ``target``, by the rules its board shows: what ``move_card``
    checks a drop (or a move menu's choice) against."""
    columns = _columns(column_by, ticket.wg, [ticket])
    if target not in {c.key for c in columns}:
        columns.append(Column(target, target))  # e.g. a section that only another card on the board has
    return target in DropRules(user, column_by, [ticket]).allowed(ticket, columns)
