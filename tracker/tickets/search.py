"""The search providers of tickets, journals' notes and WGs (``tracker.core.search``), with the same
visibility rule as every list: a ticket by TicketPolicy, a note by JournalPolicy too, a WG by the WG policy.
(The WG kind is registered here, where the search box began, until the WG feature registers its own.)"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from tracker.core import policy, search as core_search
from tracker.core.models import SearchDocument
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db
from tracker.tickets.models import IssueStatus, Journal, Ticket
from tracker.wg.models import Member, WorkingGroup

KINDS = ("ticket", "journal", "wg")


def _ticket_url(document, row, wg) -> str:
    return f"/issues/{document.object_id}"


def _journal_url(document, row, wg) -> str:
    return f"/issues/{row.journal_ticket_id}#note-{document.object_id}"


def _wg_url(document, row, wg) -> str:
    return f"/projects/{wg.identifier}" if wg is not None else "/projects"


def _open_statuses():
    return select(IssueStatus.id).where(IssueStatus.is_closed.is_(False))


# A note's ticket, under its own name: the ticket kind joins tickets itself.
@cache
def _noted_ticket():
    """The note's ticket, aliased; made on first use, since aliasing configures every mapper, which must wait
    until every feature's models are imported."""
    return aliased(Ticket, name="noted_ticket")


core_search.register(core_search.Provider(
    "ticket", _l("Tickets"),
    visible=lambda user: policy.visible(Ticket, user),
    joins=lambda stmt: stmt.join(Ticket, Ticket.id == SearchDocument.object_id),
    url=_ticket_url,
    open_only=lambda: Ticket.status_id.in_(_open_statuses()),
))
core_search.register(core_search.Provider(
    "journal", _l("Notes"),
    # The note's ticket is joined (as the page's own alias) so that the rule reads it by primary key.
    visible=lambda user: policy.policy_for(Journal).visible_with(user, _noted_ticket()),
    joins=lambda stmt: stmt.join(Journal, Journal.id == SearchDocument.object_id).join(
        _noted_ticket(), _noted_ticket().id == Journal.ticket_id),
    columns=(Journal.ticket_id.label("journal_ticket_id"),),
    url=_journal_url,
    open_only=lambda: _noted_ticket().status_id.in_(_open_statuses()),
))
core_search.register(core_search.Provider(
    "wg", _l("WGs"),
    visible=lambda user: SearchDocument.object_id.in_(policy.visible_ids(WorkingGroup, user)),
    in_wg=lambda wg: and_(SearchDocument.kind == "wg", SearchDocument.object_id == wg.id),
    in_wg_ids=lambda ids: and_(SearchDocument.kind == "wg", SearchDocument.object_id.in_(ids)),
    url=_wg_url,
    wg_id=lambda document: document.object_id if document.kind == "wg" else document.wg_id,
))


def search(user, query: str, kinds=KINDS, wg: WorkingGroup | None = None, offset: int = 0, limit: int = 25,
           options: core_search.Options = core_search.Options(), wg_ids=None) -> core_search.Results:
    """What ``user`` may find for ``query``, newest first (see ``tracker.core.search.search``)."""
    return core_search.search(user, query, kinds, wg=wg, offset=offset, limit=limit, options=options, wg_ids=wg_ids)


def reindex_all() -> None:
    """Rebuild the index of every WG, ticket and journal (after an import)."""
    from tracker.tickets.services import index_journal, reindex
    from tracker.wg.services import index_wg

    for wg in db.session.scalars(select(WorkingGroup)):
        index_wg(wg)
    for ticket in db.session.scalars(select(Ticket)):
        reindex(ticket)
    for journal in db.session.scalars(select(Journal).where(Journal.notes != "")):
        index_journal(journal)


# Redmine's resource-type parameters (issues=1, projects=1) and our kinds: a note is found with its ticket.
REDMINE_TYPES = {"issues": ("ticket", "journal"), "projects": ("wg",)}
SCOPES = ("all", "my_projects", "subprojects")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class SearchRequest:
    """A search as Redmine's search page and search.json take it: ``q``, ``scope`` (all, my_projects,
    subprojects; a WG's own search is scoped to it unless ``scope=all``), ``all_words`` (default on),
    ``titles_only``, ``open_issues``, and which kinds (``issues=1``/``projects=1``, or ``kinds=``)."""
    q: str
    kinds: tuple[str, ...]
    scope: str
    options: core_search.Options

    @classmethod
    def from_args(cls, args, wg: WorkingGroup | None = None) -> "SearchRequest":
        def flag(name: str, default: bool) -> bool:
            # Redmine's form sends all_words= (empty) before the box, so a ticked box comes last and wins;
            # "0" and "false" are read as off too.
            values = args.getlist(name)
            return default if not values else (values[-1] or "").strip().lower() not in _FALSE

        kinds = [k for k in args.getlist("kinds") if k in KINDS]
        for name, mapped in REDMINE_TYPES.items():
            if flag(name, False):
                kinds.extend(k for k in mapped if k not in kinds)
        scope = args.get("scope") or ("" if wg is not None else "all")
        if scope not in SCOPES:
            scope = "" if wg is not None else "all"
        return cls(
            q=(args.get("q") or "").strip()[:200],
            kinds=tuple(kinds) or KINDS,
            scope=scope,
            options=core_search.Options(all_words=flag("all_words", True), titles_only=flag("titles_only", False),
                                        open_issues=flag("open_issues", False)),
        )

    def run(self, user, wg: WorkingGroup | None, offset: int, limit: int) -> core_search.Results:
        wg_ids = None
        if self.scope == "my_projects":
            wg_ids = db.session.scalars(select(Member.wg_id).where(Member.user_id == user.id)).all()
        in_wg = wg if (wg is not None and self.scope in ("", "subprojects")) else None
        return search(user, self.q, self.kinds, wg=in_wg, offset=offset, limit=limit, options=self.options,
                      wg_ids=wg_ids)
