"""Ticket forms. Fields are text so that nothing the user typed is lost when a service refuses it; the
services check every value (the API goes through the same checks)."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

DONE_RATIO_CHOICES = [(str(n), f"{n}%") for n in range(0, 101, 10)]


class TicketForm(FlaskForm):
    tracker_id = SelectField(_l("Tracker"), validate_choice=False)
    subject = StringField(_l("Subject"), validators=[Length(max=255)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    status_id = SelectField(_l("Status"), validate_choice=False)
    priority_id = SelectField(_l("Priority"), validate_choice=False)
    assigned_to = SelectField(_l("Assignee"), validate_choice=False)
    category_id = SelectField(_l("Category"), validate_choice=False)
    fixed_version_id = SelectField(_l("Milestone"), validate_choice=False)
    parent_id = StringField(_l("Parent ticket"))
    start_date = StringField(_l("Start date"), render_kw={"type": "date"})
    due_date = StringField(_l("Due date"), render_kw={"type": "date"})
    estimated_hours = StringField(_l("Estimated time (hours)"), render_kw={"inputmode": "decimal"})
    done_ratio = SelectField(_l("Progress"), choices=DONE_RATIO_CHOICES, validate_choice=False)
    is_private = BooleanField(_l("Private (only WG members who may see private tickets, the author and the assignee)"))
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    private_notes = BooleanField(_l("Private notes"))
    lock_version = HiddenField()
    last_journal_id = HiddenField()


class JournalNotesForm(FlaskForm):
    notes = TextAreaField(_l("Notes"), validators=[Optional()])
    private_notes = BooleanField(_l("Private notes"))


class TimeEntryForm(FlaskForm):
    spent_on = StringField(_l("Date"), render_kw={"type": "date"})
    hours = StringField(_l("Hours"), render_kw={"inputmode": "decimal"})
    activity_id = SelectField(_l("Activity"), validate_choice=False)
    comments = StringField(_l("Comment"), validators=[Length(max=1024)])


class RelationForm(FlaskForm):
    relation_type = SelectField(_l("Relation"), validate_choice=False)
    issue_to_id = StringField(_l("Ticket number"))
    delay = StringField(_l("Delay (days)"), render_kw={"inputmode": "numeric"})


class SavedQueryForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=255)])
    visibility = SelectField(_l("Visibility"), choices=[("private", _l("Only me")), ("public", _l("Everyone who can see the WG"))],
                             validate_choice=False)
