"""The vocabularies of a Redmine server (statuses, trackers, priorities, activities, roles) and its issue
custom fields, matched by name or created, and the custom fields enabled per project: part of the Importer."""
from __future__ import annotations

from sqlalchemy import select

from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.tickets.admin import services as admin_services
from tracker.tickets.fields import workflow
from tracker.tickets.models import CustomField, IssuePriority, IssueStatus, TimeEntryActivity, Tracker
from tracker.wg.models import Role, WorkingGroup

# Redmine's default role names (English and Japanese) -> our default roles.
ROLE_NAMES = {
    "manager": "WG責任者", "管理者": "WG責任者", "developer": "メンバー", "開発者": "メンバー",
    "reporter": "オブザーバー", "報告者": "オブザーバー",
}
FORMATS = {"string": "string", "text": "text", "int": "int", "float": "float", "date": "date", "bool": "bool",
           "list": "list", "user": "user", "link": "string", "enumeration": "list"}


class VocabularyImport:
    """Mixed into Importer (which gives ``client``, ``local``, ``remember``, ``summary`` ...)."""

    # -- vocabularies --------------------------------------------------------------------------------

    def import_vocabularies(self) -> None:
        statuses = self.client.get("/issue_statuses.json").get("issue_statuses", [])
        for position, item in enumerate(statuses, 1):
            self._vocabulary("status", IssueStatus, item, lambda: admin_services.save_status(
                None, item["name"], item.get("is_closed", False), position))
        first_status = db.session.scalar(select(IssueStatus.id).order_by(IssueStatus.position, IssueStatus.id))
        for position, item in enumerate(self.client.get("/trackers.json").get("trackers", []), 1):
            default = self.local("status", (item.get("default_status") or {}).get("id")) or first_status
            self._vocabulary("tracker", Tracker, item, lambda: admin_services.save_tracker(None, item["name"], position, default))
        for kind, path, key, model in (
            ("priority", "/enumerations/issue_priorities.json", "issue_priorities", IssuePriority),
            ("activity", "/enumerations/time_entry_activities.json", "time_entry_activities", TimeEntryActivity),
        ):
            answer = self.client.get_optional(path) or {}
            for position, item in enumerate(answer.get(key, []), 1):
                self._vocabulary(kind, model, item, lambda: admin_services.save_enumeration(
                    model.__name__, None, item["name"], position, False, item.get("active", True)))
        roles = self.client.get_optional("/roles.json") or {}
        default_role = db.session.scalar(select(Role).where(Role.name == "メンバー"))
        for item in roles.get("roles", []):
            role = db.session.scalar(select(Role).where(Role.name == item["name"]))
            if role is None:
                role = db.session.scalar(select(Role).where(Role.name == ROLE_NAMES.get(item["name"].lower(), "")))
            if role is None:
                role = default_role
                self.summary.notes.append(f"Redmine role {item['name']} was mapped to {role.name}; adjust its members' roles if needed.")
            self.remember("role", int(item["id"]), role.id, True)
        self._extend_workflows()

    def _vocabulary(self, kind: str, model, item: dict, create) -> None:
        rid = int(item["id"])
        if self.local(kind, rid):
            self.summary.updated[kind] += 1
            return
        found = db.session.scalar(select(model).where(model.name == item["name"]))
        if found is None:
            try:
                found = create()
            except ServiceError as error:
                self.summary.skipped.append((kind, rid, "; ".join(error.messages)))
                return
            db.session.flush()
            if kind == "tracker":
                self.new_trackers.append(found)
            if kind == "status":
                self.new_statuses.append(found)
        self.remember(kind, rid, found.id, found not in self.new_trackers + self.new_statuses)

    def _extend_workflows(self) -> None:
        """New trackers get the workflow of the first existing tracker; new statuses are reachable from and
        lead to every status for the roles that may change statuses."""
        trackers = list(db.session.scalars(select(Tracker).order_by(Tracker.position, Tracker.id)))
        model = next((t for t in trackers if t not in self.new_trackers), None)
        roles = list(db.session.scalars(select(Role)))
        statuses = [s.id for s in workflow.all_statuses()]
        for role in roles:
            base = workflow.matrix(role.id, model.id) if model else set()
            for tracker in self.new_trackers:
                workflow.save_matrix(role.id, tracker.id, base)
            if not self.new_statuses:
                continue
            for tracker in trackers:
                transitions = workflow.matrix(role.id, tracker.id)
                if not transitions:
                    continue
                for new in self.new_statuses:
                    transitions |= {(s, new.id) for s in statuses if s != new.id} | {(new.id, s) for s in statuses if s != new.id}
                workflow.save_matrix(role.id, tracker.id, transitions)

    def import_custom_fields(self) -> None:
        answer = self.client.get_optional("/custom_fields.json")
        if answer is None:
            self.summary.notes.append("Custom field definitions need an administrator's key; custom values were not imported.")
            return
        all_trackers = [t.id for t in db.session.scalars(select(Tracker))]
        for item in answer.get("custom_fields", []):
            rid = int(item["id"])
            if item.get("customized_type") != "issue":
                self.summary.skipped.append(("custom_field", rid, f"{item['name']}: fields of {item.get('customized_type')} are not imported"))
                continue
            fmt = FORMATS.get(item.get("field_format"))
            if fmt is None:
                self.summary.skipped.append(("custom_field", rid, f"{item['name']}: format {item.get('field_format')} is not supported"))
                continue
            existing = db.session.get(CustomField, self.local("custom_field", rid) or 0) or db.session.scalar(
                select(CustomField).where(CustomField.name == item["name"][:60]))
            trackers = [self.local("tracker", t["id"]) for t in item.get("trackers", [])]
            values = [v.get("value") if isinstance(v, dict) else v for v in item.get("possible_values") or []]
            try:
                saved = admin_services.save_custom_field(
                    existing, name=item["name"], field_format=fmt, possible_values=[str(v) for v in values if v is not None],
                    multiple=item.get("multiple", False), is_required=False,
                    # enabled per WG as Redmine enables it per project (see _project_custom_fields)
                    is_for_all=existing.is_for_all if existing else False,
                    is_filter=item.get("is_filter", True), searchable=item.get("searchable", False),
                    default_value=item.get("default_value") or "", description=item.get("description") or "",
                    tracker_ids=[t for t in trackers if t] or all_trackers,
                    wg_ids=[w.id for w in existing.wgs] if existing else [],
                )
            except ServiceError as error:
                self.summary.skipped.append(("custom_field", rid, "; ".join(error.messages)))
                continue
            db.session.flush()
            self.remember("custom_field", rid, saved.id, existing is not None)
            self.imported_fields.append(saved.id)

    def _project_custom_fields(self, wg: WorkingGroup, rid: int) -> None:
        """Enable in this WG the custom fields Redmine enables in the project (``include=issue_custom_fields``;
        a field "for all projects" is listed in every project, so it ends up enabled in every WG)."""
        answer = self.client.get_optional(f"/projects/{rid}.json", include="issue_custom_fields")
        enabled = (answer or {}).get("project", {}).get("issue_custom_fields")
        if enabled is None:
            self.summary.notes_once("The server does not list the custom fields per project (Redmine before 4.2?): "
                                    "imported custom fields were enabled in every WG.")
            enabled_ids = None
        else:
            enabled_ids = {self.local("custom_field", item.get("id")) for item in enabled} - {None}
        for field_id in self.imported_fields:
            custom = db.session.get(CustomField, field_id)
            if custom is None or custom.is_for_all:
                continue
            if enabled_ids is None:
                custom.is_for_all = True
            elif field_id in enabled_ids and wg not in custom.wgs:
                custom.wgs.append(wg)
        db.session.flush()
