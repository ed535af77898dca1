"""The notification preferences form: built per request because features register event kinds."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from tracker.notify.models import EMAIL_DIGEST, EMAIL_IMMEDIATE, EMAIL_OFF, LEVEL_ALL, LEVEL_MINE, LEVEL_NONE

LEVEL_CHOICES = [
    (LEVEL_ALL, _l("Everything in my WGs")),
    (LEVEL_MINE, _l("Only what concerns me (my tickets, assignments, mentions, my ideas ...)")),
    (LEVEL_NONE, _l("Nothing")),
]
EMAIL_CHOICES = [
    (EMAIL_IMMEDIATE, _l("One e-mail for each notification")),
    (EMAIL_DIGEST, _l("One daily digest e-mail")),
    (EMAIL_OFF, _l("No e-mail (only in WG Tracker)")),
]
OVERRIDE_CHOICES = [("", _l("As chosen above")), *LEVEL_CHOICES[:1], (LEVEL_MINE, _l("Only what concerns me")), LEVEL_CHOICES[2]]


def kind_field_name(kind: str) -> str:
    return "kind_" + kind.replace(".", "__")


def preferences_form(kinds: dict, pref, **kwargs) -> FlaskForm:
    class PreferencesForm(FlaskForm):
        level = RadioField(_l("Notify me of"), choices=LEVEL_CHOICES, default=pref.level)
        email = RadioField(_lp("channel", "E-mail"), choices=EMAIL_CHOICES, default=pref.email)

    for kind, label in kinds.items():
        setattr(
            PreferencesForm,
            kind_field_name(kind),
            SelectField(label, choices=OVERRIDE_CHOICES, default=(pref.overrides or {}).get(kind, ""),
                        validate_choice=False),
        )
    form = PreferencesForm(**kwargs)
    form.kind_fields = [(kind, form[kind_field_name(kind)]) for kind in kinds]
    return form
