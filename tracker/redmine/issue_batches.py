"""The issues of one project, imported a page (batch) at a time for large servers.

Reading: a background thread pages through ``/issues.json`` in id order and reads each issue with its
journals, watchers, relations, attachments and children (``/issues/N.json?include=...``) on a few threads
sharing the client's keep-alive pool; at most ``PREFETCH`` pages wait in memory, never the whole list.

Writing: each batch is written with multi-row INSERTs (tickets, custom values, journals and their details,
watchers, relations, search documents, id-map rows) rather than one ORM object per row, and committed
together with the project's progress row (``RedmineImportRun``): a batch is imported entirely or not at
all, so a resumed import continues after the last committed one and never duplicates. History is copied as
it was (Redmine's authors and times); issues already imported (a second run) are updated in place.

Parents: an issue's parent may come later in id order; then the parent's ``children`` set the link when
the parent is imported, so no list of pending links is kept.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import bindparam, delete, select, update

from tracker.core.models import SearchDocument
from tracker.core.textsearch import document_values
from tracker.extensions import db
from tracker.redmine.models import RedmineIdMap
from tracker.tickets.models import CustomValue, IssuePriority, Journal, JournalDetail, Ticket, TicketRelation, Watcher
from tracker.wg.models import WorkingGroup

if TYPE_CHECKING:
    from tracker.redmine.importer import Importer

INCLUDE = "journals,watchers,relations,attachments,children"
PREFETCH = 2  # pages read ahead while one is written
READERS = 4  # threads reading single issues


def inserted(model, rows: list[dict]) -> list[int]:
    """INSERT many rows in one statement (Core: the ORM's per-row bookkeeping is what is slow); their ids,
    in the rows' order (RETURNING, on SQLite >= 3.35 and PostgreSQL)."""
    table = model.__table__
    return list(db.session.scalars(table.insert().returning(table.c.id, sort_by_parameter_order=True), rows))


class IssueBatches:
    def __init__(self, importer: Importer):
        self.im = importer
        self.client = importer.client
        self.default_priority = db.session.scalar(select(IssuePriority.id).where(IssuePriority.is_default.is_(True)))

    # -- reading ---------------------------------------------------------------------------------------

    def _full_pages(self, project_rid: int, after_id: int) -> Iterator[list[dict]]:
        with ThreadPoolExecutor(READERS, thread_name_prefix="redmine-read") as pool:
            for page in self.client.issue_pages(project_rid, after_id):
                yield list(pool.map(
                    lambda item: self.client.get(f"/issues/{item['id']}.json", include=INCLUDE)["issue"], page))

    def pages(self, project_rid: int, after_id: int) -> Iterator[list[dict]]:
        """``_full_pages`` read ahead on a background thread; a reading error is raised here."""
        waiting: queue.Queue = queue.Queue(maxsize=PREFETCH)
        stop = threading.Event()
        done = object()

        def read():
            try:
                for page in self._full_pages(project_rid, after_id):
                    while not stop.is_set():
                        try:
                            waiting.put(page, timeout=0.2)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                waiting.put(done)
            except BaseException as error:  # noqa: BLE001 (handed to the writing thread)
                waiting.put(error)

        reader = threading.Thread(target=read, name="redmine-pages", daemon=True)
        reader.start()
        try:
            while True:
                item = waiting.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            reader.join(timeout=30)

    # -- writing ---------------------------------------------------------------------------------------

    def write(self, wg: WorkingGroup, issues: list[dict]) -> None:
        im = self.im
        # People first (a placeholder user is made on first sight), then each kind of row in one statement.
        for issue in issues:
            for ref in [issue.get("author"), issue.get("assigned_to")] + [j.get("user") for j in issue.get("journals") or []] \
                    + list(issue.get("watchers") or []) + [a.get("author") for a in issue.get("attachments") or []]:
                im.user_id(ref)
        self._look_up(issues)
        rows, known = {}, []
        for issue in issues:
            values = self._ticket_values(wg, issue)
            if values is None:
                continue
            (known if im.local("issue", issue["id"]) else rows.setdefault("new", [])).append((issue, values))
        new = rows.get("new", [])
        if new:
            ids = inserted(Ticket, [dict(values, lock_version=0) for _issue, values in new])
            im.remember_many("issue", [(int(issue["id"]), ticket_id) for (issue, _v), ticket_id in zip(new, ids)],
                             existed=False)
        if known:  # changed in Redmine since the last run: lock_version moves on, so open edit forms notice
            table = Ticket.__table__
            columns = list(known[0][1])
            db.session.execute(
                table.update().where(table.c.id == bindparam("ticket"))
                .values({**{name: bindparam(f"v_{name}") for name in columns}, "lock_version": table.c.lock_version + 1}),
                [{"ticket": im.local("issue", issue["id"]), **{f"v_{k}": v for k, v in values.items()}}
                 for issue, values in known])
            db.session.expire_all()
            im.summary.updated["issue"] += len(known)
        written = [issue for issue, _values in known + new]
        self._parents(written)
        self._custom_values(written, [im.local("issue", i["id"]) for i, _v in known])
        self._search_documents("ticket", [(im.local("issue", i["id"]), f"#{im.local('issue', i['id'])} {v['subject']}",
                                           v["description"], wg.id, v.get("created_at")) for i, v in new],
                               [(im.local("issue", i["id"]), f"#{im.local('issue', i['id'])} {v['subject']}",
                                 v["description"], wg.id, v.get("created_at")) for i, v in known])
        for issue in written:  # attachments before journals: a journal's detail names the attachment's id
            im.attachments_of(im.local("issue", issue["id"]), issue)
        self._journals(written, wg.id)
        self._watchers(written)
        self._relations(written)
        db.session.flush()

    def _look_up(self, issues: list[dict]) -> None:
        """Our ids for every Redmine object this batch refers to, in one query per kind."""
        wanted: dict[str, set[int]] = {"issue": set(), "journal": set(), "relation": set(), "attachment": set()}
        for issue in issues:
            wanted["issue"].add(int(issue["id"]))
            if issue.get("parent"):
                wanted["issue"].add(int(issue["parent"]["id"]))
            wanted["issue"].update(int(c["id"]) for c in issue.get("children") or [])
            for relation in issue.get("relations") or []:
                wanted["relation"].add(int(relation["id"]))
                wanted["issue"].update((int(relation["issue_id"]), int(relation["issue_to_id"])))
            wanted["attachment"].update(int(a["id"]) for a in issue.get("attachments") or [])
            for journal in issue.get("journals") or []:
                wanted["journal"].add(int(journal["id"]))
                for detail in journal.get("details") or []:
                    if detail.get("name") in ("parent_id",) or detail.get("property") == "relation":
                        wanted["issue"].update(int(v) for v in (detail.get("old_value"), detail.get("new_value"))
                                               if str(v or "").isdigit())
                    if detail.get("property") == "attachment" and str(detail.get("name")).isdigit():
                        wanted["attachment"].add(int(detail["name"]))
        self.im.batch_ids.clear()
        for kind, rids in wanted.items():
            rids = sorted(rids)
            for start in range(0, len(rids), 500):
                chunk = rids[start : start + 500]
                for rid, local_id in db.session.execute(select(RedmineIdMap.redmine_id, RedmineIdMap.local_id).where(
                        RedmineIdMap.source == self.im.source, RedmineIdMap.kind == kind, RedmineIdMap.redmine_id.in_(chunk))):
                    self.im.batch_ids[(kind, rid)] = local_id

    def _ticket_values(self, wg: WorkingGroup, issue: dict) -> dict | None:
        im = self.im
        rid = int(issue["id"])
        tracker_id = im.local("tracker", issue["tracker"]["id"])
        status_id = im.local("status", issue["status"]["id"])
        priority_id = im.local("priority", issue["priority"]["id"]) or self.default_priority
        if not (tracker_id and status_id and priority_id):
            im.summary.skipped.append(("issue", rid, "its tracker, status or priority could not be imported"))
            return None
        assigned = issue.get("assigned_to")
        assigned_id = im.user_id(assigned) if assigned else None
        if assigned and assigned_id is None:
            im.summary.skipped.append(("assignee", rid, f"assigned to the group {assigned.get('name')}: left unassigned"))
        hours = issue.get("estimated_hours")
        created = im.parse_time(issue.get("created_on"))
        return {
            "wg_id": wg.id, "tracker_id": tracker_id, "status_id": status_id, "priority_id": priority_id,
            "subject": (issue.get("subject") or "")[:255] or f"#{rid}", "description": issue.get("description") or "",
            "author_id": im.user_id(issue.get("author")) or im.anonymous(), "assigned_to_id": assigned_id,
            "category_id": im.local("category", (issue.get("category") or {}).get("id")),
            "fixed_version_id": im.local("version", (issue.get("fixed_version") or {}).get("id")),
            "start_date": im.parse_day(issue.get("start_date")), "due_date": im.parse_day(issue.get("due_date")),
            "estimated_hours": Decimal(str(hours)).quantize(Decimal("0.01")) if hours is not None else None,
            "done_ratio": int(issue.get("done_ratio") or 0), "is_private": bool(issue.get("is_private")),
            "created_at": created or im.now, "updated_at": im.parse_time(issue.get("updated_on")) or created or im.now,
            "closed_on": im.parse_time(issue.get("closed_on")),
        }

    def _parents(self, issues: list[dict]) -> None:
        """Set parents known now: this batch's issues' parents, and the children imported before their parent."""
        im, links = self.im, {}
        for issue in issues:
            parent = (issue.get("parent") or {}).get("id")
            if parent and im.local("issue", parent):
                links[im.local("issue", issue["id"])] = im.local("issue", parent)
            elif parent:
                im.summary.notes_once(f"Some parents are not in the imported projects (first: #{parent} of #{issue['id']}).")
            for child in issue.get("children") or []:
                if im.local("issue", child["id"]):
                    links[im.local("issue", child["id"])] = im.local("issue", issue["id"])
        if links:
            table = Ticket.__table__
            db.session.execute(  # updated_at kept: Redmine's, not the import's
                table.update().where(table.c.id == bindparam("ticket")).values(
                    parent_id=bindparam("parent"), updated_at=table.c.updated_at),
                [{"ticket": ticket, "parent": parent} for ticket, parent in links.items()])

    def _custom_values(self, issues: list[dict], existing_ticket_ids: list[int]) -> None:
        im, rows = self.im, []
        if existing_ticket_ids:
            db.session.execute(delete(CustomValue).where(CustomValue.ticket_id.in_(existing_ticket_ids)))
        for issue in issues:
            ticket_id = im.local("issue", issue["id"])
            for item in issue.get("custom_fields") or []:
                field_id = im.local("custom_field", item.get("id"))
                raw = item.get("value")
                if field_id:
                    rows += [{"ticket_id": ticket_id, "custom_field_id": field_id, "value": str(v)[:1000]}
                             for v in (raw if isinstance(raw, list) else [raw]) if v not in (None, "")]
        if rows:
            db.session.execute(CustomValue.__table__.insert(), rows)

    def _search_documents(self, kind: str, new: list[tuple], changed: list[tuple]) -> None:
        """What ``textsearch.index_document`` writes, for many objects in one statement."""
        def row(object_id, title, body, wg_id, created_at):
            return {**document_values(kind, object_id, title, body, wg_id, created_at or self.im.now),
                    "updated_at": self.im.now}
        if changed:
            db.session.execute(delete(SearchDocument).where(
                SearchDocument.kind == kind, SearchDocument.object_id.in_([c[0] for c in changed])))
        rows = [row(*item) for item in new + changed if kind == "ticket" or item[2]]
        if rows:
            db.session.execute(SearchDocument.__table__.insert(), rows)

    def _journals(self, issues: list[dict], wg_id: int) -> None:
        im = self.im
        new, known = [], []
        for issue in issues:
            ticket_id = im.local("issue", issue["id"])
            title = f"#{ticket_id} {(issue.get('subject') or '')[:255]}"
            for item in issue.get("journals") or []:
                values = {"notes": item.get("notes") or "", "private_notes": bool(item.get("private_notes")),
                          "created_at": im.parse_time(item.get("created_on")) or im.now}
                if im.local("journal", item["id"]):
                    known.append((item, title, dict(values, id=im.local("journal", item["id"]))))
                else:
                    new.append((item, title, dict(values, ticket_id=ticket_id,
                                                  user_id=im.user_id(item.get("user")) or im.anonymous())))
        if known:
            db.session.execute(update(Journal), [values for _item, _title, values in known])
            im.summary.updated["journal"] += len(known)
        if new:
            ids = inserted(Journal, [values for _item, _title, values in new])
            im.remember_many("journal", [(int(item["id"]), journal_id) for (item, _t, _v), journal_id in zip(new, ids)],
                             existed=False)
            details = [dict(detail, journal_id=journal_id) for (item, _t, _v), journal_id in zip(new, ids)
                       for detail in (im.journal_detail(d) for d in item.get("details") or []) if detail]
            if details:
                db.session.execute(JournalDetail.__table__.insert(), details)
        public = lambda items: [(im.local("journal", item["id"]), title, values["notes"], wg_id,  # noqa: E731
                                 values.get("created_at"))
                                for item, title, values in items if values["notes"] and not values["private_notes"]]
        self._search_documents("journal", public(new), public(known))

    def _watchers(self, issues: list[dict]) -> None:
        im = self.im
        ticket_ids = [im.local("issue", i["id"]) for i in issues]
        have = set(db.session.execute(select(Watcher.ticket_id, Watcher.user_id).where(Watcher.ticket_id.in_(ticket_ids))))
        rows = []
        for issue in issues:
            ticket_id = im.local("issue", issue["id"])
            for ref in issue.get("watchers") or []:
                user_id = im.user_id(ref)
                if user_id and (ticket_id, user_id) not in have:
                    have.add((ticket_id, user_id))
                    rows.append({"ticket_id": ticket_id, "user_id": user_id})
        if rows:
            db.session.execute(Watcher.__table__.insert(), rows)
            im.summary.created["watcher"] += len(rows)

    def _relations(self, issues: list[dict]) -> None:
        im, new, seen = self.im, [], set()
        for issue in issues:
            for item in issue.get("relations") or []:
                rid = int(item["id"])
                if im.local("relation", rid) or rid in seen:
                    continue
                source, target = im.local("issue", item["issue_id"]), im.local("issue", item["issue_to_id"])
                if source and target:
                    seen.add(rid)
                    new.append((rid, {"issue_from_id": source, "issue_to_id": target,
                                      "relation_type": item["relation_type"], "delay": item.get("delay")}))
                # else: the other issue comes later (it names this relation too) or is not imported
        if new:
            ids = inserted(TicketRelation, [values for _rid, values in new])
            im.remember_many("relation", [(rid, local_id) for (rid, _v), local_id in zip(new, ids)], existed=False)


