from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

CATEGORY_LABELS = {"technical": _l("Technical"), "organisational": _l("Organisational"), "security": _l("Security"),
                   "financial": _l("Financial"), "legal": _l("Legal")}
RESPONSE_LABELS = {"avoid": _l("Avoid"), "mitigate": _l("Mitigate"), "transfer": _l("Transfer"), "accept": _lp("risk response", "Accept")}


# The 1-5 scales, each step named, so nobody has to guess what a 3 means.
PROBABILITY_LABELS = {1: _l("Rare"), 2: _l("Unlikely"), 3: _l("Possible"), 4: _l("Likely"), 5: _l("Almost certain")}
IMPACT_LABELS = {1: _l("Negligible"), 2: _l("Minor"), 3: _l("Moderate"), 4: _l("Major"), 5: _l("Severe")}


def _level(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


class RiskForm(FlaskForm):
    title = StringField(_l("Risk"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    probability = RadioField(_l("Probability (1-5)"), coerce=_level, validators=[Optional()], validate_choice=False,
                             choices=list(PROBABILITY_LABELS.items()))
    impact = RadioField(_l("Impact (1-5)"), coerce=_level, validators=[Optional()], validate_choice=False,
                        choices=list(IMPACT_LABELS.items()))
    response = SelectField(_l("Response"), choices=list(RESPONSE_LABELS.items()))
    response_plan = TextAreaField(_l("Response plan"), validators=[Optional()])
    owner_id = SelectField(_l("Owner"), coerce=lambda v: int(v) if v else None, validators=[Optional()])
    next_review = DateField(_l("Next review"), validators=[Optional()])
    closed = BooleanField(_l("Closed"))
