"""What a user's history records: identity, section and state (by an admin, or by the directory sync)."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.accounts.models import Section, User


def _section_name(section_id) -> str:
    from tracker.extensions import db

    section = db.session.get(Section, int(section_id))
    return section.full_name if section is not None else f"#{section_id}"


def _date_style_name(value) -> str:
    from tracker.accounts.forms import DATE_STYLE_CHOICES

    return str(dict(DATE_STYLE_CHOICES).get(value, value))


def _org_roles(user) -> list[str]:
    return sorted(role.value for role in user.org_roles)


history.journaled(
    User, "user", _l("User"),
    {"login": _l("Login"), "name": _l("Full name"), "name_kana": _l("Name reading (kana)"), "email": _l("E-mail"),
     "section_id": _l("Section"), "job_title": _l("Job title"), "language": _l("Language"),
     "date_style": _l("Date display"), "csv_encoding": _l("CSV encoding"),
     "active": _l("Active"),
     "is_admin": _l("Administrator"), "org_roles": _l("Organisation roles")},
    display={"section_id": _section_name, "date_style": _date_style_name, "active": history.yes_no, "is_admin": history.yes_no},
    values={"org_roles": _org_roles},
)
