from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from tracker.accounts.forms import MultiCheckboxField


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), default="定例会", validators=[InputRequired(), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[Optional()])
    starts_at = TimeField(_l("Starts at"), validators=[Optional()])
    ends_at = TimeField(_l("Ends at"), validators=[Optional()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    attendee_ids = MultiCheckboxField(_l("Attendees"), coerce=int)
    agenda = TextAreaField(_l("Agenda"), validators=[Optional()])
    minutes = TextAreaField(_l("Minutes (Markdown)"), validators=[Optional()])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional()])
