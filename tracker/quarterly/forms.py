from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

STATUS_LABELS = {"planned": _l("Planned"), "on_track": _l("On track"), "delayed": _l("Delayed"), "done": _l("Done")}


class EntryForm(FlaskForm):
    initiative = StringField(_l("Initiative"), validators=[Optional(), Length(max=200)])
    fiscal_year = IntegerField(_l("Fiscal year"), validators=[Optional()])
    quarter = SelectField(_l("Quarter"), coerce=int, choices=[(1, "1Q"), (2, "2Q"), (3, "3Q"), (4, "4Q")])
    target = TextAreaField(_l("Target"), validators=[Optional()])
    actual = TextAreaField(_l("Actual"), validators=[Optional()])
    status = SelectField(_lp("progress", "Status"), choices=list(STATUS_LABELS.items()))
