from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.accounts.models import OrgRole

LANGUAGE_CHOICES = [("", _l("Browser setting")), ("ja", "日本語"), ("en", "English")]
DATE_STYLE_CHOICES = [("western", _l("Western calendar (2026-12-02)")), ("japanese", _l("Japanese era (R8-12-02)"))]
CSV_ENCODING_CHOICES = [("", _l("UTF-8 (with BOM)")), ("shift_jis", _l("Shift_JIS (CP932, for older Excel)"))]


def org_role_choices():
    return [
        (OrgRole.DX_OFFICE.value, _l("DX office (sees and decides on every WG)")),
        (OrgRole.HR.value, _l("HR (sees HR-only talent data)")),
        (OrgRole.IDEA_MODERATOR.value, _l("Idea box moderator")),
        (OrgRole.AUDITOR.value, _l("Auditor (reads the audit log)")),
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    login = StringField(_l("Login"), validators=[InputRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    remember = BooleanField(_l("Stay logged in"))


class AccountForm(FlaskForm):
    name = StringField(_l("Display name"), validators=[InputRequired(), Length(max=100)])
    name_kana = StringField(_l("Name reading (kana)"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    date_style = SelectField(_l("Date display"), choices=DATE_STYLE_CHOICES)
    # Not checked against the choices here (a form posted without it, from before the field, must still save);
    # the service keeps only an encoding offered.
    csv_encoding = SelectField(_l("CSV encoding"), choices=CSV_ENCODING_CHOICES, validate_choice=False)


class PasswordResetForm(FlaskForm):
    """A new password typed twice (the reset link's page)."""

    new_password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class PasswordChangeForm(PasswordResetForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])


class LostPasswordForm(FlaskForm):
    login = StringField(_l("Login or e-mail"), validators=[InputRequired(), Length(max=254)])


class UserAdminForm(FlaskForm):
    login = StringField(_l("Login"), validators=[InputRequired(), Length(max=60)])
    name = StringField(_l("Display name"), validators=[InputRequired(), Length(max=100)])
    name_kana = StringField(_l("Name reading (kana)"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    section_id = SelectField(_l("Section"), coerce=int, validate_choice=True)
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=100)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    active = BooleanField(_l("Active"), default=True)
    is_admin = BooleanField(_l("Administrator"))
    org_roles = MultiCheckboxField(_l("Organisation roles"), choices=org_role_choices)
    password = PasswordField(_l("Password"), validators=[Optional()])


class DepartmentForm(FlaskForm):
    name = StringField(_l("Department name"), validators=[InputRequired(), Length(max=100)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])


class SectionForm(FlaskForm):
    department_id = SelectField(_l("Department"), coerce=int)
    name = StringField(_l("Section name"), validators=[InputRequired(), Length(max=100)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])



class TwoFactorCodeForm(FlaskForm):
    """The second step of a sign-in, and the confirmation of an enrolment."""

    code = StringField(_l("Verification code"), validators=[InputRequired(), Length(max=32)])
    remember_device = BooleanField(_l("Do not ask again on this device"))


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Current password"), validators=[InputRequired()])
