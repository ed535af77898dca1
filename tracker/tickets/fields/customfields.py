"""Custom fields: which apply to a ticket, how their values are checked, stored and shown."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import or_, select

from tracker.core.text import normalize_newlines
from tracker.extensions import db
from tracker.tickets.models import CustomField, CustomFieldTracker, CustomFieldWG, CustomValue, Ticket

FORMATS = {
    "string": _l("Text (one line)"),
    "text": _l("Long text"),
    "int": _l("Integer"),
    "float": _l("Decimal number"),
    "date": _l("Date"),
    "bool": _l("Yes / no"),
    "list": _l("List"),
    "user": _l("User"),
}


def fields_for(wg_id: int, tracker_id: int) -> list[CustomField]:
    """The custom fields of tickets of ``tracker_id`` in WG ``wg_id``, in display order."""
    return list(
        db.session.scalars(
            select(CustomField)
            .where(
                CustomField.id.in_(select(CustomFieldTracker.custom_field_id).where(CustomFieldTracker.tracker_id == tracker_id)),
                or_(CustomField.is_for_all.is_(True), CustomField.id.in_(
                    select(CustomFieldWG.custom_field_id).where(CustomFieldWG.wg_id == wg_id)
                )),
            )
            .order_by(CustomField.position, CustomField.id)
        )
    )


def values_of(ticket: Ticket) -> dict[int, list[str]]:
    """custom field id -> stored values (a list: several for a multi-select field)."""
    values: dict[int, list[str]] = {}
    for cv in ticket.custom_values:
        if cv.value not in (None, ""):
            values.setdefault(cv.custom_field_id, []).append(cv.value)
    return values


def _as_list(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, (list, tuple, set)):
        return [str(v).strip() for v in raw if v is not None and str(v).strip() != ""]
    text = str(raw).strip()
    return [text] if text else []


def normalize(field: CustomField, raw) -> tuple[list[str], str | None]:
    """Check one field's input; returns (values to store, problem or None)."""
    values = _as_list(raw)
    if field.field_format == "bool":
        values = ["1" if v.lower() in {"1", "true", "yes", "on"} else "0" for v in values[:1]]
    if not values:
        if field.is_required:
            return [], _("%(field)s is required.", field=field.name)
        return [], None
    if len(values) > 1 and not field.multiple:
        return values, _("%(field)s takes one value.", field=field.name)
    out = []
    for value in values:
        if field.field_format == "int":
            try:
                value = str(int(value))
            except ValueError:
                return values, _("%(field)s must be a whole number.", field=field.name)
        elif field.field_format == "float":
            try:
                value = str(Decimal(value))
            except InvalidOperation:
                return values, _("%(field)s must be a number.", field=field.name)
        elif field.field_format == "date":
            try:
                value = date.fromisoformat(value).isoformat()
            except ValueError:
                return values, _("%(field)s must be a date (YYYY-MM-DD).", field=field.name)
        elif field.field_format == "list":
            if value not in (field.possible_values or []):
                return values, _("%(value)s is not a choice of %(field)s.", value=value, field=field.name)
        elif field.field_format == "user":
            from tracker.accounts.models import User

            if not value.isdigit() or db.session.get(User, int(value)) is None:
                return values, _("%(field)s must be a user.", field=field.name)
        elif field.field_format == "string" and len(value) > 255:
            return values, _("%(field)s is too long (up to 255 characters).", field=field.name)
        if value not in out:
            out.append(value)
    return out, None


def assign(ticket: Ticket, field: CustomField, values: list[str]) -> tuple[list[str], list[str]]:
    """Store ``values`` for ``field``; returns (removed, added)."""
    current = [cv for cv in ticket.custom_values if cv.custom_field_id == field.id]
    # Compared with LF line endings: a text stored with CRLF (before input was normalised) is the same text.
    old = [normalize_newlines(cv.value) for cv in current if cv.value not in (None, "")]
    wanted = [normalize_newlines(v) for v in values]
    removed = [v for v in old if v not in wanted]
    added = [v for v, w in zip(values, wanted) if w not in old]
    for cv in current:
        if normalize_newlines(cv.value) not in wanted or cv.value in (None, ""):
            ticket.custom_values.remove(cv)
    for value in added:
        ticket.custom_values.append(CustomValue(custom_field_id=field.id, value=value))
    return removed, added


def display(field: CustomField, values: list[str], users: dict | None = None) -> str:
    """Values as text for pages and exports (users by name, booleans as はい/いいえ)."""
    shown = []
    for value in values:
        if field.field_format == "bool":
            shown.append(_("Yes") if value == "1" else _("No"))
        elif field.field_format == "user":
            user = (users or {}).get(int(value)) if value.isdigit() else None
            if user is None and value.isdigit():
                from tracker.accounts.models import User

                user = db.session.get(User, int(value))
            shown.append(user.name if user else value)
        else:
            shown.append(value)
    return ", ".join(shown)
