from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

CATEGORY_LABELS = {"technical": _l("Technical"), "organisational": _l("Organisational"), "security": _l("Security"),
                   "financial": _l("Financial"), "legal": _l("Legal")}
RESPONSE_LABELS = {"avoid": _l("Avoid"), "mitigate": _l("Mitigate"), "transfer": _l("Transfer"), "accept": _lp("risk response", "Accept")}


class RiskForm(FlaskForm):
    title = StringField(_l("Risk"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    probability = IntegerField(_l("Probability (1-5)"), validators=[Optional()])
    impact = IntegerField(_l("Impact (1-5)"), validators=[Optional()])
    response = SelectField(_l("Response"), choices=list(RESPONSE_LABELS.items()))
    response_plan = TextAreaField(_l("Response plan"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    next_review = DateField(_l("Next review"), validators=[Optional()])
    closed = BooleanField(_l("Closed"))
