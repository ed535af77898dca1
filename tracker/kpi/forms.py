from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Length, Optional


class KpiForm(FlaskForm):
    number = IntegerField(_l("No."), validators=[Optional()])
    plan_priority = StringField(_l("Plan priority"), validators=[Optional(), Length(max=200)])
    name = StringField(_l("KPI"), validators=[InputRequired(), Length(max=300)])
    unit = StringField(_l("Unit"), default="%", validators=[Optional(), Length(max=20)])
    target_value = StringField(_l("Target value"), validators=[Optional()])
    target_label = StringField(_l("Target as written in the plan"), validators=[Optional(), Length(max=200)])
    target_fiscal_year = IntegerField(_l("Target fiscal year"), validators=[Optional()])
    baseline_value = StringField(_l("Baseline"), validators=[Optional()])
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    measurement_interval_days = IntegerField(_l("Measure every (days)"), default=92, validators=[Optional()])


class MeasurementForm(FlaskForm):
    value = StringField(_l("Value"), validators=[Optional()])
    as_of = DateField(_l("As of"), validators=[Optional()])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=300)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
