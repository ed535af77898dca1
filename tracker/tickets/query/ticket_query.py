"""The ticket query object: filters, sort, grouping, columns, totals and paging, read from Redmine's
query parameters. The HTML list, CSV, XLSX, Atom and the API all build their answer from it.

Two parameter styles are understood, as in Redmine:

* short form (the API's): ``status_id=o``, ``assigned_to_id=me``, ``tracker_id=1|2``, ``due_date=><2026-04-01|2026-06-30``,
  ``subject=~出張``, ``cf_3=予算``, ``sort=priority:desc,updated_on``;
* the filter form's: ``f[]=status_id&op[status_id]=o&v[status_id][]=1``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tracker.core.translation import gettext as _, lazy_gettext as _l, lazy_pgettext as _lp
from sqlalchemy import Float, Select, and_, case, cast, exists, func, not_, or_, select, true
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker.accounts.models import Section, User
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.tickets.models import (
    CustomField, CustomFieldWG, CustomValue, Enumeration, IssueCategory, IssuePriority, IssueStatus, Ticket, TimeEntry,
    Tracker, Version, Watcher,
)
from tracker.wg.models import WorkingGroup

PER_PAGE_CHOICES = (25, 50, 100)

OPERATORS = {
    "=": _l("is"), "!": _l("is not"), "o": _l("open"), "c": _l("closed"), "*": _l("any"), "!*": _l("none"),
    "~": _l("contains"), "!~": _l("doesn't contain"), ">=": _l(">="), "<=": _l("<="), "><": _l("between"),
    "t": _l("today"), "od": _l("overdue"), "<t+": _l("within the next N days"), ">t-": _l("within the past N days"),
}
LIST_OPS = ["=", "!", "*", "!*"]
DATE_OPS = ["=", ">=", "<=", "><", "t", "<t+", ">t-", "od", "*", "!*"]
NUMBER_OPS = ["=", ">=", "<=", "><", "*", "!*"]
TEXT_OPS = ["~", "!~", "=", "*", "!*"]
NO_VALUE_OPS = {"o", "c", "*", "!*", "t", "od"}


@dataclass
class FilterDef:
    name: str
    label: object
    kind: str  # list, date, number, text, status, assignee, user, bool
    operators: list[str]
    column: object = None
    custom_field: CustomField | None = None

    def operator_choices(self) -> list[tuple[str, object]]:
        return [(op, OPERATORS[op]) for op in self.operators]


@dataclass
class Column:
    name: str
    label: object
    sortable: bool = True
    total: bool = False


COLUMNS = {
    "project": Column("project", _l("WG")),
    "tracker": Column("tracker", _l("Tracker")),
    "parent": Column("parent", _l("Parent ticket")),
    "status": Column("status", _l("Status")),
    "priority": Column("priority", _l("Priority")),
    "subject": Column("subject", _l("Subject")),
    "author": Column("author", _l("Author")),
    "assigned_to": Column("assigned_to", _l("Assignee")),
    "category": Column("category", _l("Category")),
    "fixed_version": Column("fixed_version", _l("Milestone")),
    "start_date": Column("start_date", _l("Start date")),
    "due_date": Column("due_date", _l("Due date")),
    "estimated_hours": Column("estimated_hours", _l("Estimated time"), total=True),
    "spent_hours": Column("spent_hours", _l("Spent time"), total=True),
    "done_ratio": Column("done_ratio", _l("Progress")),
    "is_private": Column("is_private", _l("Private")),
    "created_on": Column("created_on", _l("Created")),
    "updated_on": Column("updated_on", _l("Updated")),
    "closed_on": Column("closed_on", _lp("date", "Closed")),
}
DEFAULT_COLUMNS = ["project", "tracker", "status", "priority", "subject", "assigned_to", "updated_on"]
GROUPABLE = {
    "project": _l("WG"), "tracker": _l("Tracker"), "status": _l("Status"), "priority": _l("Priority"),
    "assigned_to": _l("Assignee"), "author": _l("Author"), "category": _l("Category"), "fixed_version": _l("Milestone"),
}


def _open_status_ids():
    return select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))


@dataclass
class TicketQuery:
    user: object
    wg: WorkingGroup | None = None
    filters: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    sort: list[tuple[str, bool]] = field(default_factory=lambda: [("id", True)])
    group_by: str | None = None
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    page: int = 1
    per_page: int = 25
    errors: list[str] = field(default_factory=list)

    # -- definitions --------------------------------------------------------------------------------

    def custom_fields(self) -> list[CustomField]:
        if not hasattr(self, "_custom_fields"):
            stmt = select(CustomField).where(CustomField.is_filter.is_(True)).order_by(CustomField.position, CustomField.id)
            if self.wg is not None:
                stmt = stmt.where(or_(CustomField.is_for_all.is_(True), CustomField.id.in_(
                    select(CustomFieldWG.custom_field_id).where(CustomFieldWG.wg_id == self.wg.id))))
            self._custom_fields = list(db.session.scalars(stmt))
        return self._custom_fields

    def filter_defs(self) -> dict[str, FilterDef]:
        if hasattr(self, "_filter_defs"):
            return self._filter_defs
        defs = [
            FilterDef("status_id", _l("Status"), "status", ["o", "c", "=", "!", "*"], Ticket.status_id),
            FilterDef("tracker_id", _l("Tracker"), "list", LIST_OPS[:2], Ticket.tracker_id),
            FilterDef("priority_id", _l("Priority"), "list", LIST_OPS[:2], Ticket.priority_id),
            FilterDef("assigned_to_id", _l("Assignee"), "assignee", LIST_OPS, Ticket.assigned_to_id),
            FilterDef("author_id", _l("Author"), "user", LIST_OPS[:2], Ticket.author_id),
            FilterDef("watcher_id", _l("Watcher"), "user", ["="], None),
        ]
        if self.wg is None:
            defs.append(FilterDef("project_id", _l("WG"), "list", LIST_OPS[:2], Ticket.wg_id))
        defs += [
            FilterDef("fixed_version_id", _l("Milestone"), "list", LIST_OPS, Ticket.fixed_version_id),
            FilterDef("category_id", _l("Category"), "list", LIST_OPS, Ticket.category_id),
            FilterDef("subject", _l("Subject"), "text", TEXT_OPS[:3], Ticket.subject),
            FilterDef("text", _l("Subject or description"), "text", TEXT_OPS[:2], None),
            FilterDef("start_date", _l("Start date"), "date", DATE_OPS, Ticket.start_date),
            FilterDef("due_date", _l("Due date"), "date", DATE_OPS, Ticket.due_date),
            FilterDef("created_on", _l("Created"), "date", [o for o in DATE_OPS if o not in ("<t+", "od", "!*")], Ticket.created_at),
            FilterDef("updated_on", _l("Updated"), "date", [o for o in DATE_OPS if o not in ("<t+", "od", "!*")], Ticket.updated_at),
            FilterDef("closed_on", _lp("date", "Closed"), "date", [o for o in DATE_OPS if o not in ("<t+", "od")], Ticket.closed_on),
            FilterDef("estimated_hours", _l("Estimated time"), "number", NUMBER_OPS, Ticket.estimated_hours),
            FilterDef("done_ratio", _l("Progress"), "number", NUMBER_OPS[:4], Ticket.done_ratio),
            FilterDef("parent_id", _l("Parent ticket"), "number", ["=", "*", "!*"], Ticket.parent_id),
            FilterDef("is_private", _l("Private"), "bool", ["="], Ticket.is_private),
        ]
        for cf in self.custom_fields():
            kind = {"list": "cf_list", "user": "cf_user", "bool": "bool", "int": "number", "float": "number",
                    "date": "date"}.get(cf.field_format, "text")
            ops = {"cf_list": LIST_OPS, "cf_user": LIST_OPS, "bool": ["="], "number": NUMBER_OPS,
                   "date": ["=", ">=", "<=", "><", "*", "!*"], "text": TEXT_OPS}[kind]
            defs.append(FilterDef(f"cf_{cf.id}", cf.name, kind, ops, None, cf))
        self._filter_defs = {d.name: d for d in defs}
        return self._filter_defs

    def available_columns(self) -> dict[str, Column]:
        columns = dict(COLUMNS)
        for cf in self.custom_fields():
            columns[f"cf_{cf.id}"] = Column(f"cf_{cf.id}", cf.name, sortable=False)
        return columns

    # -- reading parameters -------------------------------------------------------------------------

    @classmethod
    def from_params(cls, user, args, wg: WorkingGroup | None = None) -> "TicketQuery":
        """``args`` is a werkzeug MultiDict (request.args) or a dict of lists/strings (a saved query)."""
        query = cls(user=user, wg=wg)
        getlist = args.getlist if hasattr(args, "getlist") else (
            lambda key: (lambda v: v if isinstance(v, list) else [v])(args.get(key, [])) if key in args else []
        )
        get = lambda key, default=None: (getlist(key) or [default])[0]  # noqa: E731
        defs = query.filter_defs()
        fields = getlist("f[]") or getlist("f")
        if fields:
            for name in fields:
                if not name:
                    continue
                if name not in defs:
                    query.errors.append(_("Unknown filter: %(name)s", name=name))
                    continue
                op = get(f"op[{name}]", "=")
                values = [v for v in (getlist(f"v[{name}][]") or getlist(f"v[{name}]")) if v != ""]
                query._add_filter(name, op, values)
        else:
            for name in defs:
                raw = get(name)
                if name == "project_id" and raw is None:
                    raw = get("wg_id")
                if raw is None or raw == "":
                    continue
                op, values = query._parse_short(defs[name], str(raw))
                query._add_filter(name, op, values)
            if "status_id" not in query.filters and get("set_filter") != "1":
                query.filters["status_id"] = ("o", [])
        query._read_sort(get("sort"))
        group = get("group_by") or None
        if group and group not in GROUPABLE:
            query.errors.append(_("Unknown grouping: %(name)s", name=group))
            group = None
        query.group_by = group
        columns = [c for c in (getlist("c[]") or getlist("c")) if c]
        if columns:
            available = query.available_columns()
            unknown = [c for c in columns if c not in available]
            if unknown:
                query.errors.append(_("Unknown column: %(name)s", name=", ".join(unknown)))
            query.columns = [c for c in columns if c in available] or list(DEFAULT_COLUMNS)
        if wg is not None and "project" in query.columns and not columns:
            query.columns.remove("project")
        try:
            per_page = int(get("per_page") or get("limit") or 25)
        except ValueError:
            per_page = 25
        query.per_page = per_page if per_page in PER_PAGE_CHOICES else min(PER_PAGE_CHOICES, key=lambda c: abs(c - per_page))
        try:
            query.page = max(1, int(get("page") or 1))
        except ValueError:
            query.page = 1
        return query

    def _parse_short(self, definition: FilterDef, raw: str) -> tuple[str, list[str]]:
        raw = raw.strip()
        if definition.kind == "status":
            aliases = {"open": "o", "closed": "c", "o": "o", "c": "c", "*": "*", "any": "*"}
            if raw in aliases:
                return aliases[raw], []
        if raw in ("none", "!*"):
            return "!*", []
        if raw == "*":
            return "*", []
        for op in sorted((o for o in definition.operators if o not in ("=",)), key=len, reverse=True):
            if op in NO_VALUE_OPS:
                if raw == op:
                    return op, []
                continue
            if raw.startswith(op):
                return op, [v for v in raw[len(op):].split("|") if v != ""]
        return "=", [v for v in raw.split("|") if v != ""]

    def _add_filter(self, name: str, op: str, values: list[str]) -> None:
        definition = self.filter_defs()[name]
        label = str(definition.label)
        if op not in definition.operators:
            self.errors.append(_("Unknown operator for the filter %(name)s.", name=label))
            return
        if op in NO_VALUE_OPS:
            self.filters[name] = (op, [])
            return
        if not values:
            self.errors.append(_("The filter %(name)s needs a value.", name=label))
            return
        problem = self._check_values(definition, op, values)
        if problem:
            self.errors.append(problem)
            return
        self.filters[name] = (op, values)

    def _check_values(self, definition: FilterDef, op: str, values: list[str]) -> str | None:
        label = str(definition.label)
        bad = _("Unknown value for the filter %(name)s: %(value)s", name=label, value=", ".join(values))
        kind = definition.kind
        if kind in ("list", "status"):
            model = {"status_id": IssueStatus, "tracker_id": Tracker, "priority_id": IssuePriority,
                     "project_id": WorkingGroup, "fixed_version_id": Version, "category_id": IssueCategory}[definition.name]
            if definition.name == "project_id":
                ids = []
                for value in values:
                    if value.isdigit():
                        ids.append(int(value))
                    else:
                        wg_id = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.identifier == value))
                        if wg_id is None:
                            return bad
                        ids.append(wg_id)
                values[:] = [str(i) for i in ids]
            if not all(v.isdigit() for v in values):
                return bad
            found = db.session.scalar(select(func.count()).select_from(model).where(model.id.in_([int(v) for v in values])))
            return None if found == len(set(values)) else bad
        if kind in ("user", "assignee", "cf_user"):
            ids = []
            for value in values:
                if value == "me":
                    continue
                if kind == "assignee" and value.startswith("section:") and value[8:].isdigit():
                    if db.session.get(Section, int(value[8:])) is None:
                        return bad
                    continue
                if not value.isdigit():
                    return bad
                ids.append(int(value))
            if ids and db.session.scalar(select(func.count()).select_from(User).where(User.id.in_(ids))) != len(set(ids)):
                return bad
            return None
        if kind == "cf_list":
            choices = definition.custom_field.possible_values or []
            return None if all(v in choices for v in values) else bad
        if kind == "date" or (definition.custom_field is not None and definition.custom_field.field_format == "date"):
            if op in ("<t+", ">t-"):
                return None if values[0].isdigit() else bad
            try:
                parsed = [date.fromisoformat(v) for v in values]
            except ValueError:
                return bad
            if op == "><" and len(parsed) != 2:
                return _("The filter %(name)s needs two dates.", name=label)
            return None
        if kind == "number":
            try:
                [Decimal(v) for v in values]
            except Exception:  # decimal.InvalidOperation and friends
                return bad
            if op == "><" and len(values) != 2:
                return _("The filter %(name)s needs two numbers.", name=label)
            return None
        if kind == "bool":
            return None if values[0] in ("0", "1") else bad
        return None

    def _read_sort(self, raw: str | None) -> None:
        if not raw:
            return
        sort = []
        for part in raw.split(","):
            key, _sep, direction = part.strip().partition(":")
            if not key:
                continue
            if key not in SORT_KEYS:
                self.errors.append(_("Unknown sort column: %(name)s", name=key))
                continue
            sort.append((key, direction.lower() == "desc"))
        if sort:
            self.sort = sort[:3]

    # -- SQL -------------------------------------------------------------------------------------------

    def condition(self):
        """The WHERE clause: visibility first, then the WG and every filter."""
        if getattr(self, "_condition", None) is None:
            self._condition = self._build_condition()
        return self._condition

    def _build_condition(self):
        conditions = [Ticket.visible(self.user)]
        if self.wg is not None:
            conditions.append(Ticket.wg_id == self.wg.id)
        defs = self.filter_defs()
        for name, (op, values) in self.filters.items():
            clause = self._filter_clause(defs[name], op, values)
            if clause is not None:
                conditions.append(clause)
        return and_(*conditions)

    def _me(self, values: list[str]) -> list[int]:
        return [self.user.id if v == "me" else int(v) for v in values if v == "me" or v.isdigit()]

    def _filter_clause(self, d: FilterDef, op: str, values: list[str]):
        today = local_today()
        if d.kind == "status":
            if op == "o":
                # IN (open statuses), not NOT IN (closed ones): the same tickets (status_id is never NULL),
                # but the database counts 100,000 of them about twice as fast.
                return Ticket.status_id.in_(_open_status_ids())
            if op == "c":
                return Ticket.status_id.in_(select(IssueStatus.id).where(IssueStatus.is_closed.is_(True)))
            if op == "*":
                return None
            ids = [int(v) for v in values]
            return Ticket.status_id.in_(ids) if op == "=" else Ticket.status_id.not_in(ids)
        if d.name == "watcher_id":
            return Ticket.id.in_(select(Watcher.ticket_id).where(Watcher.user_id.in_(self._me(values))))
        if d.kind == "assignee":
            if op == "*":
                return or_(Ticket.assigned_to_id.is_not(None), Ticket.assigned_section_id.is_not(None))
            if op == "!*":
                return and_(Ticket.assigned_to_id.is_(None), Ticket.assigned_section_id.is_(None))
            users = self._me(values)
            sections = [int(v[8:]) for v in values if v.startswith("section:")]
            if op == "=":
                return or_(Ticket.assigned_to_id.in_(users), Ticket.assigned_section_id.in_(sections))
            return and_(
                or_(Ticket.assigned_to_id.is_(None), Ticket.assigned_to_id.not_in(users)),
                or_(Ticket.assigned_section_id.is_(None), Ticket.assigned_section_id.not_in(sections)),
            )
        if d.kind in ("list", "user"):
            column = d.column
            if op == "*":
                return column.is_not(None)
            if op == "!*":
                return column.is_(None)
            ids = self._me(values)
            return column.in_(ids) if op == "=" else or_(column.not_in(ids), column.is_(None))
        if d.kind == "text":
            if d.custom_field is not None:
                return self._cf_clause(d.custom_field, op, values)
            target = d.column if d.column is not None else Ticket.subject + " " + Ticket.description
            if op == "*":
                return target != ""
            if op == "!*":
                return target == ""
            pattern = f"%{_escape_like(values[0].lower())}%"
            if op == "~":
                return func.lower(target).like(pattern, escape="\\")
            if op == "!~":
                return not_(func.lower(target).like(pattern, escape="\\"))
            return target == values[0]
        if d.custom_field is not None:
            return self._cf_clause(d.custom_field, op, values)
        if d.kind == "bool":
            return d.column.is_(values[0] == "1")
        if d.kind == "number":
            column = d.column
            if op == "*":
                return column.is_not(None)
            if op == "!*":
                return column.is_(None)
            nums = [Decimal(v) for v in values]
            return _compare(column, op, nums)
        if d.kind == "date":
            column = d.column
            is_datetime = d.name in ("created_on", "updated_on", "closed_on")
            if op == "*":
                return column.is_not(None)
            if op == "!*":
                return column.is_(None)
            if op == "t":
                start, end = today, today
            elif op == "od":
                return and_(column < today, Ticket.status_id.in_(_open_status_ids()))
            elif op == "<t+":
                start, end = today, today + timedelta(days=int(values[0]))
            elif op == ">t-":
                start, end = today - timedelta(days=int(values[0])), today
            else:
                days = [date.fromisoformat(v) for v in values]
                if op == "=":
                    start, end = days[0], days[0]
                elif op == ">=":
                    start, end = days[0], None
                elif op == "<=":
                    start, end = None, days[0]
                else:
                    start, end = days[0], days[1]
            return _date_range(column, start, end, is_datetime)
        return None

    def _cf_clause(self, cf: CustomField, op: str, values: list[str]):
        base = select(CustomValue.ticket_id).where(CustomValue.custom_field_id == cf.id, CustomValue.value != "")
        if op == "*":
            return Ticket.id.in_(base)
        if op == "!*":
            return Ticket.id.not_in(base)
        if cf.field_format == "user":
            values = [str(v) for v in self._me(values)]
        if cf.field_format in ("int", "float"):
            number = cast(CustomValue.value, Float)
            return Ticket.id.in_(base.where(_compare(number, op, [float(v) for v in values])))
        if cf.field_format == "date":
            return Ticket.id.in_(base.where(_compare(CustomValue.value, op, values)))
        if op in ("~", "!~"):
            matching = base.where(func.lower(CustomValue.value).like(f"%{_escape_like(values[0].lower())}%", escape="\\"))
            return Ticket.id.in_(matching) if op == "~" else Ticket.id.not_in(matching)
        matching = base.where(CustomValue.value.in_(values))
        return Ticket.id.in_(matching) if op == "=" else Ticket.id.not_in(matching)

    def _joins(self, stmt: Select, keys: set[str]) -> tuple[Select, dict]:
        """Add the joins that sorting or grouping by ``keys`` needs; returns (statement, sort expressions)."""
        exprs = {}
        # Statuses, priorities and trackers are few: their order becomes a CASE over the ticket's own column,
        # so the database sorts without a join per row.
        for key, model, column in (("status", IssueStatus, Ticket.status_id), ("priority", Enumeration, Ticket.priority_id),
                                   ("tracker", Tracker, Ticket.tracker_id)):
            if key in keys:
                rows = db.session.execute(select(model.id, model.position)).all()
                order = {row.id: index for index, row in enumerate(sorted(rows, key=lambda r: (r.position, r.id)))}
                exprs[key] = [case(order, value=column, else_=len(order)) if order else column]
        if "project" in keys:
            stmt = stmt.join(WorkingGroup, WorkingGroup.id == Ticket.wg_id)
            exprs["project"] = [WorkingGroup.name]
        if "assigned_to" in keys:
            assignee = aliased(User)
            section = aliased(Section)
            stmt = stmt.outerjoin(assignee, assignee.id == Ticket.assigned_to_id).outerjoin(
                section, section.id == Ticket.assigned_section_id)
            exprs["assigned_to"] = [func.coalesce(assignee.name_kana, assignee.name, section.name)]
        if "author" in keys:
            author = aliased(User)
            stmt = stmt.join(author, author.id == Ticket.author_id)
            exprs["author"] = [func.coalesce(author.name_kana, author.name)]
        if "category" in keys:
            stmt = stmt.outerjoin(IssueCategory, IssueCategory.id == Ticket.category_id)
            exprs["category"] = [IssueCategory.name]
        if "fixed_version" in keys:
            stmt = stmt.outerjoin(Version, Version.id == Ticket.fixed_version_id)
            exprs["fixed_version"] = [Version.effective_date, Version.name]
        if "spent_hours" in keys:
            spent = (select(func.coalesce(func.sum(TimeEntry.hours), 0)).where(TimeEntry.ticket_id == Ticket.id)
                     .correlate(Ticket).scalar_subquery())
            exprs["spent_hours"] = [spent]
        return stmt, exprs

    def _ordered(self, stmt: Select) -> Select:
        keys = [k for k, _desc in self.sort]
        if self.group_by:
            keys = [self.group_by, *keys]
        stmt, exprs = self._joins(stmt, set(keys))
        order = []
        if self.group_by:
            for e in exprs[self.group_by]:
                order += _ordering(e, False, self.group_by)
        for key, desc in self.sort:
            for e in exprs.get(key) or [SORT_KEYS[key]]:
                order += _ordering(e, desc, key)
        if not any(key == "id" for key, _d in self.sort):
            order.append(Ticket.id.desc())
        return stmt.order_by(*order)

    def count(self) -> int:
        return self._count_and_estimate()[0]

    def ids_statement(self) -> Select:
        return self._ordered(select(Ticket.id).where(self.condition()))

    def results(self, offset: int | None = None, limit: int | None = None) -> list[Ticket]:
        """One page of tickets with everything the list shows, in a fixed number of queries."""
        offset = (self.page - 1) * self.per_page if offset is None else offset
        limit = self.per_page if limit is None else limit
        ids = list(db.session.scalars(self.ids_statement().offset(offset).limit(limit)))
        return self.load(ids)

    def load(self, ids: list[int]) -> list[Ticket]:
        if not ids:
            return []
        options = [
            joinedload(Ticket.tracker), joinedload(Ticket.status), joinedload(Ticket.priority),
            joinedload(Ticket.assigned_to), joinedload(Ticket.assigned_section), joinedload(Ticket.author),
            joinedload(Ticket.wg), joinedload(Ticket.category), joinedload(Ticket.fixed_version),
        ]
        if any(c.startswith("cf_") for c in self.columns):
            options.append(selectinload(Ticket.custom_values))
        tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)).options(*options)).unique()}
        ordered = [tickets[i] for i in ids if i in tickets]
        if "parent" in self.columns:
            from tracker.tickets.policy import mark_visible_parents

            mark_visible_parents(ordered, self.user)
        if "spent_hours" in self.columns:
            from tracker.tickets.timelog import spent_hours

            spent = spent_hours(ids)
            for ticket in ordered:
                ticket.spent_hours = spent.get(ticket.id, Decimal(0))
        return ordered

    def _count_and_estimate(self) -> tuple[int, Decimal]:
        if not hasattr(self, "_counted"):
            count, estimated = db.session.execute(
                select(func.count(Ticket.id), func.sum(Ticket.estimated_hours)).where(self.condition())
            ).one()
            self._counted = (count or 0, Decimal(str(estimated or 0)))
        return self._counted

    def totals(self) -> dict[str, Decimal]:
        """Sum of estimated hours, and of spent hours when that column is shown (as Redmine's opt-in totals),
        over every matching ticket (not only the page)."""
        if "spent_hours" not in self.columns:
            return {"estimated_hours": self._count_and_estimate()[1]}
        spent = db.session.scalar(
            select(func.sum(TimeEntry.hours)).select_from(TimeEntry).join(Ticket, Ticket.id == TimeEntry.ticket_id)
            .where(self.condition())
        )
        return {"estimated_hours": self._count_and_estimate()[1], "spent_hours": Decimal(str(spent or 0))}

    def group_key(self, ticket: Ticket):
        return {
            "project": lambda t: t.wg, "tracker": lambda t: t.tracker, "status": lambda t: t.status,
            "priority": lambda t: t.priority, "assigned_to": lambda t: t.assignee, "author": lambda t: t.author,
            "category": lambda t: t.category, "fixed_version": lambda t: t.fixed_version,
        }[self.group_by](ticket)

    def group_counts(self) -> dict[tuple, tuple[int, Decimal]]:
        """(group column values) -> (tickets, estimated hours) over every matching ticket, one query."""
        if not self.group_by:
            return {}
        column = GROUP_COLUMNS[self.group_by]
        rows = db.session.execute(
            select(*column, func.count(Ticket.id), func.sum(Ticket.estimated_hours)).where(self.condition()).group_by(*column)
        )
        return {tuple(row[:-2]): (row[-2], Decimal(str(row[-1] or 0))) for row in rows}

    @staticmethod
    def group_id(ticket: Ticket, group_by: str) -> tuple:
        return tuple(getattr(ticket, c.key) for c in GROUP_COLUMNS[group_by])

    def sort_param(self) -> str:
        return ",".join(f"{key}:desc" if desc else key for key, desc in self.sort)

    def pages(self) -> int:
        return max(1, -(-self.count() // self.per_page))


GROUP_COLUMNS = {
    "project": [Ticket.wg_id], "tracker": [Ticket.tracker_id], "status": [Ticket.status_id],
    "priority": [Ticket.priority_id], "assigned_to": [Ticket.assigned_to_id, Ticket.assigned_section_id],
    "author": [Ticket.author_id], "category": [Ticket.category_id], "fixed_version": [Ticket.fixed_version_id],
}

SORT_KEYS = {
    "id": Ticket.id, "subject": Ticket.subject, "start_date": Ticket.start_date, "due_date": Ticket.due_date,
    "estimated_hours": Ticket.estimated_hours, "done_ratio": Ticket.done_ratio, "created_on": Ticket.created_at,
    "updated_on": Ticket.updated_at, "closed_on": Ticket.closed_on, "parent": Ticket.parent_id,
    "status": None, "priority": None, "tracker": None, "project": None, "assigned_to": None, "author": None,
    "category": None, "fixed_version": None, "spent_hours": None, "is_private": Ticket.is_private,
}


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compare(column, op: str, values: list):
    if op == "=":
        return column == values[0]
    if op == ">=":
        return column >= values[0]
    if op == "<=":
        return column <= values[0]
    if op == "><":
        return and_(column >= values[0], column <= values[1])
    return true()


def _date_range(column, start: date | None, end: date | None, is_datetime: bool):
    """Dates compare as dates; timestamps compare against the day's bounds in the organisation's timezone."""
    if not is_datetime:
        clauses = []
        if start:
            clauses.append(column >= start)
        if end:
            clauses.append(column <= end)
        return and_(*clauses)
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    clauses = []
    if start:
        clauses.append(column >= datetime.combine(start, time.min, zone))
    if end:
        clauses.append(column < datetime.combine(end + timedelta(days=1), time.min, zone))
    return and_(*clauses)


NOT_NULL_SORTS = {"id", "subject", "created_on", "updated_on", "done_ratio", "is_private", "status", "priority",
                  "tracker", "project", "spent_hours"}  # noqa: E501


def _ordering(expression, desc: bool, key: str) -> list:
    """NULLs after values in both directions, the same on SQLite and PostgreSQL (columns that cannot be
    NULL are sorted plainly, so that their indexes serve the ORDER BY)."""
    plain = expression.desc() if desc else expression.asc()
    if key in NOT_NULL_SORTS:
        return [plain]
    return [case((expression.is_(None), 1), else_=0), plain]
