"""Presenters of the ticket pages: journal details as sentences ("Status changed from 新規 to 進行中")."""
from __future__ import annotations

from markupsafe import Markup, escape
from sqlalchemy import select

from tracker.accounts.models import Section, User
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.tickets.fields.customfields import display
from tracker.tickets.history import ATTRIBUTES
from tracker.tickets.models import (
    CustomField, Enumeration, IssueCategory, IssueStatus, Journal, JournalDetail, Tracker, Version,
)
from tracker.tickets.relations import RELATION_LABELS
from tracker.wg.models import WorkingGroup


class DetailFormatter:
    """Turns details into "Status changed from 新規 to 進行中", loading every referenced name in a few
    queries for a whole page of journals (no query per detail)."""

    MODELS = {
        "tracker_id": Tracker, "status_id": IssueStatus, "priority_id": Enumeration, "category_id": IssueCategory,
        "fixed_version_id": Version,
    }

    def __init__(self, journals: list[Journal]):
        wanted: dict[str, set[int]] = {}
        cf_ids: set[int] = set()
        for journal in journals:
            for d in journal.details:
                if d.property == "attr":
                    for v in (d.old_value, d.value):
                        if v and v.isdigit():
                            wanted.setdefault(d.prop_key, set()).add(int(v))
                elif d.property == "cf" and d.prop_key.isdigit():
                    cf_ids.add(int(d.prop_key))
        models = dict(self.MODELS, assigned_to_id=User, assigned_section_id=Section, wg_id=WorkingGroup)
        self.names: dict[str, dict[int, str]] = {}
        for key, ids in wanted.items():
            model = models.get(key)
            if model is not None:
                self.names[key] = {o.id: str(o) for o in db.session.scalars(select(model).where(model.id.in_(ids)))}
        self.fields = {f.id: f for f in db.session.scalars(select(CustomField).where(CustomField.id.in_(cf_ids)))} if cf_ids else {}

    def _value(self, detail: JournalDetail, value: str | None) -> str:
        if value is None or value == "":
            return ""
        key = detail.prop_key
        if detail.property == "attr":
            if key in self.names and value.isdigit():
                return self.names[key].get(int(value), value)
            if key == "parent_id":
                return f"#{value}"
            if key == "is_private":
                return _("Yes") if value == "1" else _("No")
            if key == "done_ratio":
                return f"{value}%"
        if detail.property == "cf":
            field = self.fields.get(int(key)) if key.isdigit() else None
            return display(field, [value]) if field else value
        return value

    def label(self, detail: JournalDetail) -> str:
        if detail.property == "attr":
            return str(ATTRIBUTES.get(detail.prop_key, detail.prop_key))
        if detail.property == "cf":
            field = self.fields.get(int(detail.prop_key)) if detail.prop_key.isdigit() else None
            return field.name if field else _("Custom field")
        if detail.property == "attachment":
            return _("File")
        if detail.property == "relation":
            return str(RELATION_LABELS.get(detail.prop_key, detail.prop_key))
        return detail.prop_key

    def render(self, detail: JournalDetail) -> Markup:
        label = escape(self.label(detail))
        if detail.property == "attr" and detail.prop_key == "description":
            return Markup(_("%(field)s updated", field=label))
        old, new = self._value(detail, detail.old_value), self._value(detail, detail.value)
        if detail.property == "relation":
            target = detail.value or detail.old_value
            link = Markup('<a href="/issues/{0}">#{0}</a>').format(target)
            if detail.value:
                return Markup(_("%(field)s %(ticket)s added", field=label, ticket=link))
            return Markup(_("%(field)s %(ticket)s removed", field=label, ticket=link))
        if old and new:
            return Markup(_("%(field)s changed from %(old)s to %(new)s", field=label,
                            old=Markup("<i>%s</i>") % old, new=Markup("<i>%s</i>") % new))
        if new:
            return Markup(_("%(field)s set to %(new)s", field=label, new=Markup("<i>%s</i>") % new))
        return Markup(_("%(field)s deleted (%(old)s)", field=label, old=Markup("<del>%s</del>") % old))
