from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, HiddenField, IntegerField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.accounts.models import Department, Section
from tracker.extensions import db
from tracker.ideas.models import ANSWER_STATES, CATEGORIES, KINDS, STATES


def section_choices(blank=_l("(not sure)")) -> list[tuple[int, str]]:
    sections = db.session.scalars(
        select(Section).join(Department).order_by(Department.position, Section.position, Section.name)
    )
    return [(0, blank)] + [(s.id, f"{s.department.name} {s.name}") for s in sections]


class IdeaForm(FlaskForm):
    kind = RadioField(_l("Kind"), choices=list(KINDS.items()), default="idea", validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    body = TextAreaField(_l("Details"), validators=[Optional()])
    category = SelectField(_l("Category"), choices=list(CATEGORIES.items()), default="other")
    section_id = SelectField(_l("Section that owns the process"), coerce=int, default=0)
    anonymous = BooleanField(_l("Hide my name from other staff (moderators still see it)"))
    attachments = MultipleFileField(_l("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_id.choices = section_choices()


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[InputRequired()])
    parent_id = HiddenField()


class AssignForm(FlaskForm):
    section_id = SelectField(_l("Section that answers"), coerce=int)
    answer_due = DateField(_l("Answer due"), validators=[InputRequired(_l("Give the date by which the section answers."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_id.choices = section_choices(blank=_l("(choose)"))


class AnswerForm(FlaskForm):
    state = RadioField(_lp("idea", "Result"), choices=[(s, STATES[s]) for s in ANSWER_STATES], validators=[InputRequired()])
    answer = TextAreaField(_l("Official answer"), validators=[InputRequired()])


class DoneForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[Optional()])


class MergeForm(FlaskForm):
    original_id = IntegerField(_l("Number of the original post"), validators=[InputRequired()])


class PromoteTicketForm(FlaskForm):
    wg_id = SelectField(_l("WG"), coerce=int)
    tracker_id = SelectField(_l("Tracker"), coerce=int)

    def __init__(self, user, *args, **kwargs):
        from tracker.tickets.models import Tracker
        from tracker.wg.models import WorkingGroup

        super().__init__(*args, **kwargs)
        wgs = db.session.scalars(select(WorkingGroup).where(WorkingGroup.with_permission(user, "add_issues")).order_by(WorkingGroup.name))
        self.wg_id.choices = [(0, _l("(choose)"))] + [(wg.id, wg.name) for wg in wgs]
        self.tracker_id.choices = [(t.id, t.name) for t in db.session.scalars(select(Tracker).order_by(Tracker.position))]


class PromoteWGForm(FlaskForm):
    name = StringField(_l("WG name"), validators=[InputRequired(), Length(max=200)])
    identifier = StringField(_l("Identifier"), validators=[InputRequired(), Length(max=100)])
