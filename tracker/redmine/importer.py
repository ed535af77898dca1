"""Import a Redmine server's data through its REST API: users (without passwords), projects as WGs with
members and roles, trackers, statuses, priorities, activities, categories, versions, custom fields, issues
with parents, journals (details, authors, times), relations, watchers, attachments and time entries.
Issues are streamed and written in batches (``issue_batches``); how far each project got is kept in
``redmine_import_runs``, so that ``resume=True`` continues an interrupted import where it stopped.

Every imported object is remembered in ``redmine_id_map`` (per source URL), so running again updates what
was imported before and adds what is new, never duplicating. History is copied as it was (authors and
times of issues, notes and changes): that is why tickets and journals are written here as rows rather than
through the tickets services, which stamp the current user and time and notify people; the vocabularies,
WGs and members go through the services. Nothing is sent to anybody during an import.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable

from flask import current_app
from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.core.db import utcnow
from tracker.redmine.client import RedmineClient, RedmineError
from tracker.redmine.issue_batches import IssueBatches
from tracker.redmine.models import RedmineIdMap, RedmineImportRun
from tracker.redmine.progress import RateMeter
from tracker.redmine.vocabularies import VocabularyImport
from tracker.redmine.naming import join_name
from tracker.tickets import attachments as files
from tracker.tickets.models import IssueCategory, IssueStatus, TimeEntry, TimeEntryActivity, Tracker, Version
from tracker.wg.models import Role, WorkingGroup
from tracker.wg.services import add_member, index_wg

# journal detail attributes whose values are ids of something imported
ID_ATTRS = {"status_id": "status", "tracker_id": "tracker", "priority_id": "priority", "assigned_to_id": "user",
            "category_id": "category", "fixed_version_id": "version", "parent_id": "issue", "child_id": "issue",
            "project_id": "project"}
# kinds of which there can be very many: looked up per batch, never all held in memory
BULK_KINDS = ("issue", "journal", "relation", "attachment", "time_entry")
RENAMED_ATTRS = {"project_id": "wg_id"}


def parse_time(value) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: list[tuple[str, object, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def notes_once(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def lines(self, dry_run: bool) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated))
        out = ["Dry run: nothing was saved." if dry_run else "Import finished."]
        out.append(f"{'kind':<16}{'created':>9}{'updated':>9}")
        out += [f"{kind:<16}{self.created[kind]:>9}{self.updated[kind]:>9}" for kind in kinds]
        if self.skipped:
            out.append(f"Skipped ({len(self.skipped)}):")
            out += [f"  {kind} {rid}: {reason}" for kind, rid, reason in self.skipped]
        out += [f"Note: {note}" for note in self.notes]
        return out


class Importer(VocabularyImport):
    def __init__(self, client: RedmineClient, projects=(), dry_run: bool = False,
                 progress: Callable[[str], None] | None = None, resume: bool = False,
                 after_batch: Callable[[int], None] | None = None):
        self.client = client
        self.source = client.base
        self.only = {p for p in projects if p}
        self.dry_run = dry_run
        self.resume = resume
        self.after_batch = after_batch  # called after each committed batch (tests interrupt a run with it)
        self.batches = 0
        self.progress = progress or (lambda message: None)
        self.summary = Summary()
        self.now = utcnow()
        self.ids: dict[tuple[str, int], int] = {  # people, vocabularies, WGs ...: few
            (kind, rid): local_id for kind, rid, local_id in db.session.execute(
                select(RedmineIdMap.kind, RedmineIdMap.redmine_id, RedmineIdMap.local_id)
                .where(RedmineIdMap.source == self.source, RedmineIdMap.kind.not_in(BULK_KINDS)))
        }
        self.batch_ids: dict[tuple[str, int], int] = {}  # the bulk kinds the current batch refers to
        self.imported_fields: list[int] = []
        self.meter = RateMeter("issues", 0, self.progress)
        self.new_trackers: list[Tracker] = []
        self.new_statuses: list[IssueStatus] = []

    # -- the id map ------------------------------------------------------------------------------

    def local(self, kind: str, rid) -> int | None:
        try:
            key = (kind, int(rid))
        except (TypeError, ValueError):
            return None
        return self.batch_ids.get(key) if kind in BULK_KINDS else self.ids.get(key)

    def remember_many(self, kind: str, pairs: list[tuple[int, int]], existed: bool) -> None:
        """Remember many new objects of a bulk kind in one INSERT."""
        if not pairs:
            return
        db.session.execute(RedmineIdMap.__table__.insert(), [
            {"source": self.source, "kind": kind, "redmine_id": rid, "local_id": local_id, "imported_at": self.now}
            for rid, local_id in pairs])
        self.batch_ids.update(((kind, rid), local_id) for rid, local_id in pairs)
        (self.summary.updated if existed else self.summary.created)[kind] += len(pairs)

    def _load_batch_ids(self, kind: str, rids: list[int]) -> None:
        for start in range(0, len(rids), 500):
            for rid, local_id in db.session.execute(select(RedmineIdMap.redmine_id, RedmineIdMap.local_id).where(
                    RedmineIdMap.source == self.source, RedmineIdMap.kind == kind,
                    RedmineIdMap.redmine_id.in_(rids[start : start + 500]))):
                self.batch_ids[(kind, rid)] = local_id

    def state(self, resource: str) -> RedmineImportRun:
        """How far the import of ``resource`` got (made on first use)."""
        found = db.session.scalar(select(RedmineImportRun).where(
            RedmineImportRun.source == self.source, RedmineImportRun.resource == resource))
        if found is None:
            found = RedmineImportRun(source=self.source, resource=resource, last_redmine_id=0, done=0, total=0,
                                     finished=False)
            db.session.add(found)
            db.session.flush()
        return found

    def remember(self, kind: str, rid: int, local_id: int, existed: bool) -> None:
        if (kind, rid) not in self.ids:
            db.session.add(RedmineIdMap(source=self.source, kind=kind, redmine_id=rid, local_id=local_id))
        self.ids[(kind, rid)] = local_id
        (self.summary.updated if existed else self.summary.created)[kind] += 1

    # -- run ---------------------------------------------------------------------------------------

    def run(self) -> Summary:
        try:
            self.progress("Reading users, roles and vocabularies ...")
            self.import_users()
            self.import_vocabularies()
            self.import_custom_fields()
            projects = [p for p in self.client.paged("/projects.json", "projects")
                        if not self.only or p["identifier"] in self.only]
            missing = self.only - {p["identifier"] for p in projects}
            for identifier in sorted(missing):
                self.summary.skipped.append(("project", identifier, "not found on the Redmine server (or not visible)"))
            self._count_issues(projects)
            for project in projects:
                self.import_project(project)
                self._save()
            self.meter.finish()
        except BaseException:
            db.session.rollback()
            raise
        if self.dry_run:
            db.session.rollback()
        return self.summary

    def _count_issues(self, projects: list[dict]) -> None:
        """The number of issues to read, for the progress line's rate and ETA (one small request per project)."""
        total = done = 0
        for project in projects:
            state = self.state(f"issues:{project['id']}")
            state.total = self.client.issue_count(int(project["id"]))
            total += state.total
            if self.resume:
                done += state.total if state.finished else state.done
        self._save()
        self.meter.start(total, already=done)
        if done:
            self.progress(f"Resuming: {done} of {total} issues were imported before.")

    def _save(self) -> None:
        if self.dry_run:
            db.session.flush()
        else:
            db.session.commit()

    # -- users -------------------------------------------------------------------------------------

    def import_users(self) -> None:
        try:
            people = list(self.client.paged("/users.json", "users", status=""))
        except RedmineError as error:
            if "HTTP 403" not in str(error):
                raise
            self.summary.notes.append("The key is not an administrator's: users are made from the names seen "
                                      "(locked, without e-mail); give an administrator's key to import their details.")
            return
        for person in people:
            self._upsert_user(person)

    def _upsert_user(self, person: dict) -> User:
        rid = int(person["id"])
        login = (person.get("login") or f"redmine{rid}").strip()[:60]
        email = (person.get("mail") or f"{login}@redmine.invalid").strip()
        name = join_name(person.get("firstname"), person.get("lastname"))
        user_id = self.local("user", rid)
        user = db.session.get(User, user_id) if user_id else None
        if user is not None:  # imported before: follow the changes in Redmine
            existed = True
            user.name = name
            user.active = person.get("status", 1) == 1 and user.email != f"{login}@redmine.invalid"
        else:  # the same person may exist already (same login or e-mail): use them as they are
            user = db.session.scalar(select(User).where(
                (func.lower(User.login) == login.lower()) | (func.lower(User.email) == email.lower())
            ))
            existed = user is not None
        if user is None:
            # No password hash: imported people set a password with "forgot password" (Redmine's are not kept).
            # People without a known e-mail address (placeholders) are locked; an administrator can fix them.
            user = User(login=login, email=email, name=name, password_hash=None, language="ja",
                        active=person.get("status", 1) == 1 and not email.endswith("@redmine.invalid"))
            db.session.add(user)
        db.session.flush()
        self.remember("user", rid, user.id, existed)
        return user

    def user_id(self, ref: dict | None) -> int | None:
        """Our id for a user reference ``{"id", "name"}``; an unknown one becomes a locked placeholder."""
        if not ref or ref.get("id") is None:
            return None
        found = self.local("user", ref["id"])
        if found:
            return found
        if self.local("group", ref["id"]) or ref.get("type") == "group":
            return None
        parts = (ref.get("name") or "").split(" ", 1)
        return self._upsert_user({"id": ref["id"], "firstname": parts[0], "lastname": parts[1] if len(parts) > 1 else "",
                                  "status": 3}).id

    # -- projects ------------------------------------------------------------------------------------

    def import_project(self, project: dict) -> None:
        rid = int(project["id"])
        identifier = project["identifier"]
        self.progress(f"Project {identifier}: {project['name']}")
        wg = db.session.get(WorkingGroup, self.local("project", rid) or 0) or db.session.scalar(
            select(WorkingGroup).where(WorkingGroup.identifier == identifier))
        existed = wg is not None
        if wg is None:
            wg = WorkingGroup(identifier=identifier)
            db.session.add(wg)
        wg.name = project["name"][:200]
        wg.description = project.get("description") or ""
        wg.is_public = bool(project.get("is_public", True))
        db.session.flush()
        index_wg(wg)
        self.remember("project", rid, wg.id, existed)
        self._members(wg, rid)
        self._categories(wg, rid)
        self._versions(wg, rid)
        self._project_custom_fields(wg, rid)
        self._save()
        self._issues(wg, rid, identifier)
        self._time_entries(wg, rid, identifier)

    def _members(self, wg: WorkingGroup, rid: int) -> None:
        for membership in self.client.paged(f"/projects/{rid}/memberships.json", "memberships"):
            if "group" in membership:
                self.summary.skipped.append(("membership", membership["id"], f"group {membership['group'].get('name')}: "
                                             "groups are not imported; add their people to the WG"))
                continue
            user = db.session.get(User, self.user_id(membership.get("user")) or 0)
            roles = [db.session.get(Role, self.local("role", r["id"]) or 0) for r in membership.get("roles", [])]
            roles = [r for r in roles if r is not None] or [db.session.scalar(select(Role).where(Role.name == "メンバー"))]
            if user is None:
                continue
            existed = self.local("membership", membership["id"]) is not None
            member = add_member(None, wg, user, roles)
            self.remember("membership", int(membership["id"]), member.id, existed)

    def _categories(self, wg: WorkingGroup, rid: int) -> None:
        answer = self.client.get_optional(f"/projects/{rid}/issue_categories.json") or {}
        for item in answer.get("issue_categories", []):
            category = db.session.get(IssueCategory, self.local("category", item["id"]) or 0) or db.session.scalar(
                select(IssueCategory).where(IssueCategory.wg_id == wg.id, IssueCategory.name == item["name"][:60]))
            existed = category is not None
            if category is None:
                category = IssueCategory(wg_id=wg.id, name=item["name"][:60])
                db.session.add(category)
                db.session.flush()
            self.remember("category", int(item["id"]), category.id, existed)

    def _versions(self, wg: WorkingGroup, rid: int) -> None:
        answer = self.client.get_optional(f"/projects/{rid}/versions.json") or {}
        for item in answer.get("versions", []):
            if int((item.get("project") or {}).get("id", rid)) != rid:
                if not self.local("version", item["id"]):
                    self.summary.skipped.append(("version", item["id"], f"{item['name']}: shared from another project"))
                continue
            version = db.session.get(Version, self.local("version", item["id"]) or 0) or db.session.scalar(
                select(Version).where(Version.wg_id == wg.id, Version.name == item["name"][:60]))
            existed = version is not None
            if version is None:
                version = Version(wg_id=wg.id, name=item["name"][:60])
                db.session.add(version)
            version.description = (item.get("description") or "")[:255]
            version.status = item.get("status") if item.get("status") in ("open", "locked", "closed") else "open"
            version.effective_date = parse_day(item.get("due_date"))
            db.session.flush()
            self.remember("version", int(item["id"]), version.id, existed)

    # -- issues ------------------------------------------------------------------------------------

    def _issues(self, wg: WorkingGroup, rid: int, identifier: str) -> None:
        state = self.state(f"issues:{rid}")
        if self.resume and state.finished:
            return
        if not self.resume:
            state.last_redmine_id, state.done, state.finished = 0, 0, False
        batches = IssueBatches(self)
        for page in batches.pages(rid, state.last_redmine_id):
            batches.write(wg, page)
            state.last_redmine_id = max(int(issue["id"]) for issue in page)
            state.done += len(page)
            self._save()  # the batch and how far we got, in one transaction
            self.batch_ids.clear()
            self.meter.advance(len(page))
            self.batches += 1
            if self.after_batch:
                self.after_batch(self.batches)
        state.finished = True
        self._save()

    def parse_time(self, value) -> datetime | None:
        return parse_time(value)

    def parse_day(self, value) -> date | None:
        return parse_day(value)

    def anonymous(self) -> int:
        return self.user_id({"id": 2, "name": "Anonymous"})

    def journal_detail(self, detail: dict) -> dict | None:
        prop, name = detail.get("property"), str(detail.get("name"))
        old, new = detail.get("old_value"), detail.get("new_value")
        if prop == "attr" and name in ID_ATTRS:
            kind = ID_ATTRS[name]

            def mapped(value):
                local = self.local(kind, value) if value not in (None, "") else None
                return str(local) if local else value

            old, new, name = mapped(old), mapped(new), RENAMED_ATTRS.get(name, name)
        elif prop == "cf":
            field_id = self.local("custom_field", name)
            if not field_id:
                return None
            name = str(field_id)
        elif prop == "attachment":
            name = str(self.local("attachment", name) or name)
        elif prop == "relation":
            old = str(self.local("issue", old) or old) if old else old
            new = str(self.local("issue", new) or new) if new else new
        return {"property": prop or "attr", "prop_key": name[:30], "old_value": old, "value": new}

    def attachments_of(self, ticket_id: int, issue: dict) -> None:
        limit = current_app.config["MAX_ATTACHMENT_BYTES"]
        for item in issue.get("attachments") or []:
            rid = int(item["id"])
            if self.local("attachment", rid):
                self.summary.updated["attachment"] += 1
                continue
            if int(item.get("filesize") or 0) > limit:
                self.summary.skipped.append(("attachment", rid, f"{item['filename']} is larger than the limit"))
                continue
            if self.dry_run:
                self.summary.created["attachment"] += 1
                continue
            try:
                data = self.client.download(item["content_url"], limit, digest=item.get("digest"))
            except RedmineError as error:
                self.summary.skipped.append(("attachment", rid, f"{item['filename']}: {error}"))
                continue
            if data is None:
                self.summary.skipped.append(("attachment", rid, f"{item['filename']} is larger than the limit"))
                continue
            author_id = self.user_id(item.get("author")) or self.user_id(issue.get("author")) or self.anonymous()
            attachment = files.store(files.Upload(item["filename"], data, item.get("content_type") or "",
                                                  item.get("description") or ""), author_id)
            attachment.ticket_id = ticket_id
            attachment.created_at = parse_time(item.get("created_on")) or attachment.created_at
            db.session.add(attachment)
            db.session.flush()
            self.remember_many("attachment", [(rid, attachment.id)], existed=False)

    # -- time entries ------------------------------------------------------------------------------

    def _time_entries(self, wg: WorkingGroup, rid: int, identifier: str) -> None:
        state = self.state(f"time_entries:{rid}")
        if self.resume and state.finished:
            return
        pages = self.client.paged(f"/projects/{rid}/time_entries.json", "time_entries")
        default_activity = db.session.scalar(select(TimeEntryActivity.id).where(TimeEntryActivity.is_default.is_(True)))
        page: list[dict] = []
        try:
            for item in pages:
                page.append(item)
                if len(page) == self.client.page_size:
                    self._time_entry_page(wg, rid, page, default_activity)
                    page = []
        except RedmineError as error:
            if "HTTP 403" in str(error) or "HTTP 404" in str(error):
                self.summary.notes.append(f"{identifier}: time tracking is not enabled or not visible; no time entries.")
                return
            raise
        self._time_entry_page(wg, rid, page, default_activity)
        state.finished = True
        self._save()

    def _time_entry_page(self, wg: WorkingGroup, rid: int, entries: list[dict], default_activity: int | None) -> None:
        wg_id = wg.id  # read before any entry is added (the WG is expired after a commit; reading it flushes)
        self.batch_ids.clear()
        self._load_batch_ids("time_entry", [int(item["id"]) for item in entries])
        self._load_batch_ids("issue", [int(item["issue"]["id"]) for item in entries if item.get("issue")])
        for item in entries:
            if int((item.get("project") or {}).get("id", rid)) != rid:
                continue
            erid = int(item["id"])
            entry = db.session.get(TimeEntry, self.local("time_entry", erid) or 0)
            existed = entry is not None
            try:
                hours = Decimal(str(item.get("hours"))).quantize(Decimal("0.01"))
            except InvalidOperation:
                self.summary.skipped.append(("time_entry", erid, "hours are not a number"))
                continue
            user_id = self.user_id(item.get("user")) or self.anonymous()
            if entry is None:
                entry = TimeEntry(author_id=user_id, wg_id=wg_id)
                db.session.add(entry)
            entry.wg_id = wg_id
            entry.ticket_id = self.local("issue", (item.get("issue") or {}).get("id"))
            entry.user_id = user_id
            entry.activity_id = self.local("activity", (item.get("activity") or {}).get("id")) or default_activity
            entry.hours = hours
            entry.comments = (item.get("comments") or "")[:1024]
            entry.spent_on = parse_day(item.get("spent_on")) or date.today()
            entry.created_at = parse_time(item.get("created_on")) or entry.created_at
            entry.updated_at = parse_time(item.get("updated_on")) or entry.updated_at
            db.session.flush()
            if existed:
                self.summary.updated["time_entry"] += 1
            else:
                self.remember_many("time_entry", [(erid, entry.id)], existed=False)
        self._save()
        self.batch_ids.clear()
