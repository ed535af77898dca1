"""The ticket query object: filters, sort, grouping, columns, totals and paging, read from Redmine's
query parameters. The HTML list, CSV, XLSX, Atom and the API all build their answer from it.

Two parameter styles are understood, as in Redmine:

* short form (the API's): ``status_id=o``, ``assigned_to_id=me``, ``tracker_id=1|2``, ``due_date=><2026-04-01|2026-06-30``,
  ``subject=~出張``, ``cf_3=予算``, ``sort=priority:desc,updated_on``;
* the filter form's: ``f[]=status_id&op[status_id]=o&v[status_id][]=1``.

Reading and checking the parameters is the shared query base's (``tracker.core.query.BaseQuery``); what the
list offers is in ``definitions``; here are the lookups of ids and the SQL.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Float, Select, and_, case, cast, func, false, not_, or_, select
from sqlalchemy.orm import aliased, selectinload

from tracker.accounts.models import Section, User
from tracker.core.i18n import local_today
from tracker.core.query import (
    BaseQuery, Column, FilterDef, Params, as_int, compare, date_range, escape_like, nulls_last,
)
from tracker.core.query.operators import relative_days
from tracker.core.query.params import per_page
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets.models import (
    CustomField, CustomFieldWG, CustomValue, Enumeration, IssueCategory, IssuePriority, IssueStatus, Ticket, TimeEntry,
    Tracker, Version, Watcher,
)
from tracker.tickets.query import counts, definitions
from tracker.tickets.query.definitions import (
    COLUMNS, DEFAULT_COLUMNS, GROUP_COLUMNS, GROUPABLE, NOT_NULL_SORTS, PER_PAGE_CHOICES, SORT_KEYS,
)
from tracker.wg.models import WorkingGroup


def _open_status_ids():
    return select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))


@dataclass
class TicketQuery(BaseQuery):
    SORT_KEYS = SORT_KEYS
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
        if not hasattr(self, "_filter_defs"):
            self._filter_defs = definitions.filter_defs(self.custom_fields(), all_wgs=self.wg is None)
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
        params = Params(args)
        if not query.read_filters(params) and "status_id" not in query.filters and params.get("set_filter") != "1":
            query.filters["status_id"] = ("o", [])  # Redmine's default: open tickets
        sort_key = params.get("sort_key")
        # the sort picker's two selects (column, direction) say the same as ``sort=key:desc``
        picked = f"{sort_key}{':desc' if params.get('sort_dir') == 'desc' else ''}," if sort_key else ""
        query.read_sort(picked + (params.get("sort") or ""))
        query.sort = [s for i, s in enumerate(query.sort) if s[0] not in {k for k, _d in query.sort[:i]}]
        group = params.get("group_by") or None
        if group and group not in GROUPABLE:
            query.errors.append(_("Unknown grouping: %(name)s", name=group))
            group = None
        query.group_by = group
        columns = [c for c in (params.getlist("c[]") or params.getlist("c")) if c]
        if columns:
            available = query.available_columns()
            unknown = [c for c in columns if c not in available]
            if unknown:
                query.errors.append(_("Unknown column: %(name)s", name=", ".join(unknown)))
            query.columns = [c for c in columns if c in available] or list(DEFAULT_COLUMNS)
        if wg is not None and "project" in query.columns and not columns:
            query.columns.remove("project")
        query.per_page = per_page(params.get("per_page") or params.get("limit") or 25, PER_PAGE_CHOICES)
        query.page = max(1, as_int(params.get("page") or 1, 1))
        return query

    def add_filter(self, name: str, op: str, values: list[str]) -> None:
        definition = self.filter_defs().get(name)
        if definition is not None and definition.kind == "date" and definition.custom_field is None:
            # The filter form sends a date row's two date inputs and its "N days" input together (without
            # script all three are there): keep the ones the operator reads.
            relative = op in ("<t+", ">t-")
            values = [v for v in values if v.isdigit() == relative]
        super().add_filter(name, op, values)

    def short_value(self, params: Params, name: str):
        raw = params.get(name)
        if name == "project_id" and raw is None:
            raw = params.get("wg_id")  # the older name
        return raw

    def check_lookup(self, definition: FilterDef, op: str, values: list[str]) -> str | None:
        """Ids of statuses, trackers, WGs ... that exist; users and sections; a list field's choices."""
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
        return None

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
                # Only the parts with values: "assigned to me" is then assigned_to_id IN (…), which the
                # database reads from its index, where an OR with an empty IN made it scan a priority's tickets.
                parts = ([Ticket.assigned_to_id.in_(users)] if users else []) + (
                    [Ticket.assigned_section_id.in_(sections)] if sections else [])
                return or_(*parts) if parts else false()
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
            pattern = f"%{escape_like(values[0].lower())}%"
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
            if d.name == "parent_id":
                # Only a parent the user may see can be named: the children of a hidden ticket must not tell
                # that it exists.
                from tracker.tickets.policy import TicketPolicy

                parent = aliased(Ticket)
                return column.in_(select(parent.id).where(compare(parent.id, op, nums),
                                                          TicketPolicy.visible_as(self.user, parent)))
            return compare(column, op, nums)
        if d.kind == "date":
            column = d.column
            is_datetime = d.name in ("created_on", "updated_on", "closed_on")
            if op == "*":
                return column.is_not(None)
            if op == "!*":
                return column.is_(None)
            if op == "od":
                return and_(column < today, Ticket.status_id.in_(_open_status_ids()))
            start, end = relative_days(op, values, today)
            return date_range(column, start, end, is_datetime)
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
            return Ticket.id.in_(base.where(compare(number, op, [float(v) for v in values])))
        if cf.field_format == "date":
            return Ticket.id.in_(base.where(compare(CustomValue.value, op, values)))
        if op in ("~", "!~"):
            matching = base.where(func.lower(CustomValue.value).like(f"%{escape_like(values[0].lower())}%", escape="\\"))
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
                order += nulls_last(e, False, self.group_by in NOT_NULL_SORTS)
        for key, desc in self.sort:
            for e in exprs.get(key) or [SORT_KEYS[key]]:
                order += nulls_last(e, desc, key in NOT_NULL_SORTS)
        if not any(key == "id" for key, _d in self.sort):
            order.append(Ticket.id.desc())
        return stmt.order_by(*order)

    def count(self) -> int:
        return self._count_and_estimate()[0]

    def counted_total(self) -> int | None:
        """The count when the maintained counters give it (no scan of tickets), else None."""
        if not hasattr(self, "_counted"):
            self._counted = self._from_counters()
        return None if self._counted is None else self._counted[0]

    def ids_statement(self) -> Select:
        return self._ordered(select(Ticket.id).where(self.condition()))

    # A sort led by one of these few-valued keys is read one value after another (``_by_few_values``), each
    # from an index, instead of sorting every matching ticket; up to this far into the list.
    FEW_VALUED = {"priority": Ticket.priority_id, "status": Ticket.status_id, "tracker": Ticket.tracker_id}
    FEW_VALUED_DEPTH = 2000

    def page_ids(self, offset: int, limit: int, extra=None) -> list[int]:
        """The ids of one page, in the list's order (``extra``: one more condition, e.g. the API's issue_id)."""
        fast = self._by_few_values(offset, limit, extra)
        if fast is not None and self._worth_walking(offset + limit, extra):
            return list(db.session.scalars(fast))
        stmt = self.ids_statement()
        if extra is not None:
            stmt = stmt.where(extra)
        return list(db.session.scalars(stmt.offset(offset).limit(limit)))

    def _by_few_values(self, offset: int, limit: int, extra=None) -> Select | None:
        from tracker.tickets.query.few_values import by_few_values

        return by_few_values(self, offset, limit, extra)

    def _worth_walking(self, depth: int, extra=None) -> bool:
        from tracker.tickets.query.few_values import worth_walking

        return worth_walking(self, depth, extra)

    def results(self, offset: int | None = None, limit: int | None = None) -> list[Ticket]:
        """One page of tickets with everything the list shows, in a fixed number of queries."""
        offset = (self.page - 1) * self.per_page if offset is None else offset
        limit = self.per_page if limit is None else limit
        return self.load(self.page_ids(offset, limit))

    def load(self, ids: list[int]) -> list[Ticket]:
        if not ids:
            return []
        options = Ticket.with_references()
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
            self._counted = self._from_counters()
        if self._counted is None:
            count, estimated = db.session.execute(
                select(func.count(Ticket.id), func.sum(Ticket.estimated_hours)).where(self.condition())
            ).one()
            self._counted = (count or 0, Decimal(str(estimated or 0)))
        return self._counted

    def _from_counters(self) -> tuple[int, Decimal] | None:
        """The count and estimated hours from the maintained counters (``counts``), when the filters allow."""
        if not counts.countable(self.filters):
            return None
        defs = self.filter_defs()
        clauses = [Ticket.wg_id == self.wg.id] if self.wg is not None else []
        for name, (op, values) in self.filters.items():
            clause = self._filter_clause(defs[name], op, values)
            if clause is not None:
                clauses.append(clause)
        return counts.counted_totals(self.user, clauses, self.filters)

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

    def pages(self) -> int:
        return max(1, -(-self.count() // self.per_page))
