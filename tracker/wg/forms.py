from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.accounts.forms import MultiCheckboxField


class WGForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    identifier = StringField(_l("Identifier"), validators=[InputRequired(), Length(max=100)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    is_public = BooleanField(_l("Public (every member of staff can see it)"), default=True)


class MemberForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int)
    role_ids = MultiCheckboxField(_l("Roles"), coerce=int)


class MemberRolesForm(FlaskForm):
    role_ids = MultiCheckboxField(_l("Roles"), coerce=int)


class RoleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=60)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])
    permissions = MultiCheckboxField(_l("Permissions"))
