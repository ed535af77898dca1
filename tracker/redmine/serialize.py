"""Our objects in the JSON shapes of Redmine 5.0's REST API (``app/views/*/*.api.rsb``): field names, nested
``{"id", "name"}`` references, ISO dates and ``YYYY-MM-DDTHH:MM:SSZ`` times, as in tests/fixtures/redmine-5.0.4."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from urllib.parse import quote

from flask import current_app

from tracker.redmine.naming import split_name


def when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def hours(value) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def ref(obj, name: str | None = None) -> dict | None:
    if obj is None:
        return None
    return {"id": obj.id, "name": name if name is not None else str(obj.name)}


def user_ref(user) -> dict | None:
    return None if user is None else {"id": user.id, "name": user.name}


def status(obj) -> dict:
    return {"id": obj.id, "name": obj.name, "is_closed": bool(obj.is_closed)}


def project_ref(wg) -> dict:
    return {"id": wg.id, "name": wg.name}


def custom_field_values(values: dict[int, list[str]], fields) -> list[dict]:
    """``values``: field id -> stored values (tracker.tickets.fields.customfields.values_of)."""
    result = []
    for field in fields:
        given = values.get(field.id, [])
        item = {"id": field.id, "name": field.name}
        if field.multiple:
            item["multiple"] = True
            item["value"] = given
        else:
            item["value"] = given[0] if given else ""
        result.append(item)
    return result


def issue(ticket, spent: Decimal | None = None, total_spent: Decimal | None = None, fields=(), values=None) -> dict:
    data = {
        "id": ticket.id,
        "project": project_ref(ticket.wg),
        "tracker": ref(ticket.tracker),
        "status": status(ticket.status),
        "priority": ref(ticket.priority),
        "author": user_ref(ticket.author),
    }
    if ticket.assigned_to is not None:
        data["assigned_to"] = user_ref(ticket.assigned_to)
    elif ticket.assigned_section is not None:  # Redmine would show a group here
        data["assigned_to"] = {"id": ticket.assigned_section.id, "name": ticket.assigned_section.name, "type": "section"}
    if ticket.category is not None:
        data["category"] = ref(ticket.category)
    if ticket.fixed_version is not None:
        data["fixed_version"] = ref(ticket.fixed_version)
    if ticket.parent_id:
        data["parent"] = {"id": ticket.parent_id}
    spent = Decimal(0) if spent is None else spent
    data.update(
        subject=ticket.subject,
        description=ticket.description or "",
        start_date=day(ticket.start_date),
        due_date=day(ticket.due_date),
        done_ratio=ticket.done_ratio or 0,
        is_private=bool(ticket.is_private),
        estimated_hours=hours(ticket.estimated_hours),
        total_estimated_hours=hours(ticket.estimated_hours),
        spent_hours=hours(spent),
        total_spent_hours=hours(total_spent if total_spent is not None else spent),
    )
    if fields:
        data["custom_fields"] = custom_field_values(values or {}, fields)
    data.update(
        created_on=when(ticket.created_at),
        updated_on=when(ticket.updated_at),
        closed_on=when(ticket.closed_on),
        lock_version=ticket.lock_version,  # not in Redmine's output; sent back on update to detect conflicts
    )
    return data


REDMINE_ATTRS = {"wg_id": "project_id"}  # our journal attribute names that Redmine names otherwise


def journal_detail(detail) -> dict:
    name = REDMINE_ATTRS.get(detail.prop_key, detail.prop_key) if detail.property == "attr" else detail.prop_key
    return {"property": detail.property, "name": name, "old_value": detail.old_value, "new_value": detail.value}


def journal(item) -> dict:
    return {
        "id": item.id,
        "user": user_ref(item.user),
        "notes": item.notes or "",
        "created_on": when(item.created_at),
        "private_notes": bool(item.private_notes),
        "details": [journal_detail(d) for d in item.details],
    }


def relation(item) -> dict:
    return {
        "id": item.id,
        "issue_id": item.issue_from_id,
        "issue_to_id": item.issue_to_id,
        "relation_type": item.relation_type,
        "delay": item.delay,
    }


def attachment(item) -> dict:
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return {
        "id": item.id,
        "filename": item.filename,
        "filesize": item.filesize,
        "content_type": item.content_type,
        "description": item.description or "",
        "content_url": f"{base}/attachments/download/{item.id}/{quote(item.filename)}",
        "author": user_ref(item.author),
        "created_on": when(item.created_at),
    }


# Redmine's project statuses: active, closed (read-only: a closed or stopped WG), archived.
STATUS_ACTIVE, STATUS_CLOSED, STATUS_ARCHIVED = 1, 5, 9


def project_status(wg) -> int:
    from tracker.charter.models import _finished

    if wg.archived_at is not None:
        return STATUS_ARCHIVED
    return STATUS_CLOSED if _finished(wg) else STATUS_ACTIVE


def project(wg, extra: dict | None = None) -> dict:
    data = {
        "id": wg.id,
        "name": wg.name,
        "identifier": wg.identifier,
        "description": wg.description or "",
        "homepage": "",
        "status": project_status(wg),
        "is_public": bool(wg.is_public),
        "inherit_members": False,
        "created_on": when(wg.created_at),
        "updated_on": when(wg.updated_at),
    }
    data.update(extra or {})
    return data


def user(item, full: bool = False, *, status: bool = True) -> dict:
    """users/show.api.rsb: ``full`` (an administrator, or the user themself) adds the mail and the two-factor
    scheme; ``status`` is shown to administrators (the list, users/index.api.rsb, never shows it)."""
    firstname, lastname = split_name(item.name)
    data = {"id": item.id, "login": item.login, "admin": bool(item.is_admin), "firstname": firstname, "lastname": lastname}
    if full:
        data["mail"] = item.email
    data.update(
        created_on=when(item.created_at),
        updated_on=when(item.updated_at),
        last_login_on=when(item.last_login_at),
        passwd_changed_on=when(getattr(item, "password_changed_at", None)),
    )
    if full:
        data["twofa_scheme"] = _twofa_scheme(item)
    if status:
        data["status"] = 1 if item.active else 3
    return data


def _twofa_scheme(item) -> str | None:
    from tracker.accounts import twofactor

    return "totp" if twofactor.is_enabled(item) else None


def version(item) -> dict:
    return {
        "id": item.id,
        "project": project_ref(item.wg) if getattr(item, "wg", None) is not None else {"id": item.wg_id},
        "name": item.name,
        "description": item.description or "",
        "status": item.status,
        "due_date": day(item.effective_date),
        "sharing": "none",
        "wiki_page_title": None,
        "created_on": when(item.created_at),
        "updated_on": when(item.updated_at),
    }


def time_entry(item) -> dict:
    data = {"id": item.id, "project": project_ref(item.wg)}
    if item.ticket_id:
        data["issue"] = {"id": item.ticket_id}
    data.update(
        user=user_ref(item.user),
        activity=ref(item.activity),
        hours=hours(item.hours),
        comments=item.comments or "",
        spent_on=day(item.spent_on),
        created_on=when(item.created_at),
        updated_on=when(item.updated_at),
    )
    return data


def custom_field(item) -> dict:
    data = {
        "id": item.id,
        "name": item.name,
        "description": item.description or "",
        "customized_type": "issue",
        "field_format": item.field_format,
        "regexp": "",
        "min_length": None,
        "max_length": None,
        "is_required": bool(item.is_required),
        "is_filter": bool(item.is_filter),
        "searchable": bool(item.searchable),
        "multiple": bool(item.multiple),
        "default_value": item.default_value or "",
        "visible": True,
    }
    if item.field_format == "list":
        data["possible_values"] = [{"value": v, "label": v} for v in item.possible_values or []]
    data["trackers"] = [ref(t) for t in item.trackers]
    data["roles"] = []
    return data
