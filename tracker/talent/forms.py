from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, FieldList, Form, FormField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


def visibility_choices():
    return [("everyone", _l("Everyone")), ("hr", _l("HR only")), ("only_me", _l("Only me"))]


def level_choices():
    return [(i, str(i)) for i in range(1, 6)]


def importance_choices():
    return [(3, _l("required")), (2, _l("important")), (1, _l("nice to have"))]


class ProfileForm(FlaskForm):
    achievements = TextAreaField(_l("Achievements"), validators=[Optional()])
    willing_to_help = BooleanField(_l("I am willing to help other sections"))
    time_share = IntegerField(_l("Share of my week (%)"), default=0, validators=[Optional()])
    available_until = DateField(_l("Available until"), validators=[Optional()])
    skills_visibility = SelectField(_l("Skills are visible to"), choices=visibility_choices())
    certifications_visibility = SelectField(_l("Certifications are visible to"), choices=visibility_choices())
    career_visibility = SelectField(_l("Career history is visible to"), choices=visibility_choices())
    achievements_visibility = SelectField(_l("Achievements are visible to"), choices=visibility_choices())
    availability_visibility = SelectField(_l("Availability is visible to"), choices=visibility_choices())


class SkillEntryForm(FlaskForm):
    skill_id = SelectField(_l("Skill"), coerce=int)
    level = IntegerField(_l("Level (1–5)"), validators=[InputRequired()])
    can_help = BooleanField(_l("Can help"))
    want_to_learn = BooleanField(_l("Want to learn"))


class CertificationForm(FlaskForm):
    name = StringField(_l("Certification"), validators=[InputRequired(), Length(max=200)])
    acquired_on = DateField(_l("Acquired on"), validators=[Optional()])


class CareerForm(FlaskForm):
    section_name = StringField(_l("Section"), validators=[InputRequired(), Length(max=200)])
    started_on = DateField(_l("From"), validators=[InputRequired()])
    ended_on = DateField(_l("Until"), validators=[Optional()])
    description = StringField(_l("What I did"), validators=[Optional()])


class SkillForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=100)])
    synonyms = TextAreaField(_l("Synonyms (comma separated)"), validators=[Optional()])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])


class NeedForm(Form):
    skill_id = SelectField(_l("Skill"), coerce=int, default=0)
    min_level = SelectField(_l("Minimum level"), coerce=int, choices=level_choices(), default=3)
    importance = SelectField(_l("Importance"), coerce=int, choices=importance_choices(), default=2)


class HelpRequestForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    time_share = IntegerField(_l("Share of the helper's week (%)"), default=10, validators=[Optional()])
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("Until"), validators=[Optional()])
    wg_id = SelectField(_l("Working group"), coerce=int, default=0)
    ticket_id = IntegerField(_l("Ticket number"), validators=[Optional()])
    needs = FieldList(FormField(NeedForm), min_entries=3, max_entries=6)


class MessageForm(FlaskForm):
    message = TextAreaField(_l("Message"), validators=[Optional()])


class InviteForm(FlaskForm):
    user_id = IntegerField(validators=[InputRequired()])
    message = TextAreaField(_l("Message"), validators=[Optional()])


class CompleteForm(FlaskForm):
    hours = IntegerField(_l("Hours"), validators=[Optional()])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional()])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
    mode = RadioField(_l("When some rows have errors"), default="valid", choices=[
        ("valid", _l("Import the valid rows")), ("all", _l("Import nothing (all or nothing)")),
    ])
