from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.charter.labels import DECISION_LABELS, ORIGIN_LABELS


class CharterForm(FlaskForm):
    """The text items; people, success criteria, milestones and budget lines are repeated rows read from
    the request (see ``views._rows``)."""

    purpose = TextAreaField(_lp("charter", "Purpose"), validators=[Optional()])
    background = TextAreaField(_l("Background"), validators=[Optional()])
    content = TextAreaField(_l("Content"), validators=[Optional()])
    stakeholders = TextAreaField(_l("Other stakeholders (people, notes)"), validators=[Optional()])
    nature = TextAreaField(_l("Nature of the WG"), validators=[Optional()])
    schedule = TextAreaField(_l("Schedule"), validators=[Optional()])
    origin = SelectField(_l("Origin"), choices=[("", "—")] + list(ORIGIN_LABELS.items()), validators=[Optional()])
    origin_note = StringField(_l("Origin note"), validators=[Optional(), Length(max=300)])


class GateForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=list(DECISION_LABELS.items()))
    conditions = TextAreaField(_l("Conditions"), validators=[Optional()])
    comment = TextAreaField(_l("Comment (the reason, when stopping)"), validators=[Optional()])


class CloseoutForm(FlaskForm):
    keep = TextAreaField(_l("Keep"), validators=[Optional()])
    problem = TextAreaField(_lp("charter", "Problem"), validators=[Optional()])
    try_next = TextAreaField(_l("Try"), validators=[Optional()])
    handover_section_id = SelectField(_l("Section that carries the result on"), coerce=lambda v: int(v) if v else None,
                                      validators=[Optional()])
    handover_note = TextAreaField(_l("Hand-over and budget note"), validators=[Optional()])
