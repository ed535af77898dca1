"""Signing in against the directory, and the directory sync: both create or update the user the directory
describes, through the history recorder, so every change is in the user's 履歴 and the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select

from tracker.accounts import sessions
from tracker.accounts.models import Department, Section, User
from tracker.core import audit, events, history
from tracker.core.translation import gettext as _
from tracker.core.translation import lazy_gettext as _l
from tracker.directory.client import Directory, enabled, DirectoryPerson, DirectoryRefused, DirectoryUnavailable
from tracker.extensions import db

audit.register_action("directory.sync", _l("Directory sync"), "admin")

# Why a sign-in through the directory was refused, as the sign-in page says it.
REFUSALS = {
    "invalid": _l("Wrong login or password."),
    "directory_locked": _l("Your directory account is locked. Ask the IT department (情報システム担当) to unlock it."),
    "disabled": _l("Your directory account is disabled. Ask the IT department."),
    "duplicate": _l("This login is used by more than one account. Ask an administrator."),
    "no_mail": _l("Your directory account has no e-mail address, which WG Tracker needs. Ask the IT department "
                  "to add one."),
    "mail_taken": _l("The e-mail address of your directory account is already used by another account. "
                     "Ask an administrator."),
    "inactive": _l("This account is deactivated. Ask an administrator."),
    "sso_claims": _l("The single sign-on answer named no login. Ask the IT department to check the claims mapping."),
    "sso_failed": _l("Single sign-on did not complete (it was cancelled, or took too long). Try again."),
    "sso_unavailable": _l("The single sign-on service cannot be reached just now. Try again later."),
    "sso_only": _l("This site signs in with single sign-on: use the button below."),
    "directory_unavailable": _l("The directory (Active Directory) cannot be reached just now. Try again later; "
                                "local accounts can still sign in."),
}


class Sections:
    """Departments and sections by name, created on first use (a sync touches thousands of people)."""

    def __init__(self):
        self.departments = {d.name: d for d in db.session.scalars(select(Department))}
        self.sections = {(s.department.name, s.name): s for s in db.session.scalars(select(Section))}
        self.created: list[str] = []

    def resolve(self, department: str | None, section: str | None) -> Section | None:
        if not section:
            return None
        if not department:  # the section alone names it when it is unique
            matches = [s for (d, name), s in self.sections.items() if name == section]
            if len(matches) == 1:
                return matches[0]
            department = str(_("Other"))
        key = (department, section)
        if key not in self.sections:
            if department not in self.departments:
                self.departments[department] = Department(name=department)
                db.session.add(self.departments[department])
            self.sections[key] = Section(department=self.departments[department], name=section)
            db.session.add(self.sections[key])
            db.session.flush()
            self.created.append(f"{department} {section}")
        return self.sections[key]


def refusal_for(person: DirectoryPerson, user: User | None, by_login: dict, by_email: dict) -> str | None:
    """Why this directory entry cannot be (or update) an account here; None when it can."""
    if not person.login:
        return "invalid"
    existing = by_login.get(person.login.lower())
    if existing is not None and not existing.from_directory:
        return "duplicate"  # a local account holds this login: never take it over
    if not person.email:
        return "no_mail"
    holder = by_email.get(person.email.lower())
    if holder is not None and holder is not user:
        return "mail_taken"
    return None


def apply_person(person: DirectoryPerson, user: User | None, sections: Sections, actor=None,
                 source: str = "ldap") -> tuple[User, str]:
    """Create or update ``user`` from the directory entry (or single sign-on claims, ``source="oidc"``);
    ``(user, "created" | "updated" | "unchanged")``."""
    section = sections.resolve(person.department, person.section)
    user = user or User(login=person.login, auth_source=source, active=True)
    created = user.id is None
    with history.recording(actor, user, notes=None):
        before = history.snapshot(user) if not created else None
        user.login = person.login
        user.name = person.name or person.login
        user.name_kana = person.kana
        user.email = person.email
        user.section_id = section.id if section is not None else None
        user.job_title = person.title
        user.auth_source = source
        user.directory_dn = person.dn
        user.password_hash = None
        if person.disabled:
            user.active = False
        elif created or not person.locked:  # a lock is temporary: it does not deactivate the account here
            user.active = True
    if created:
        return user, "created"
    return user, ("updated" if history.snapshot(user) != before else "unchanged")


def people_index(person: DirectoryPerson | None = None) -> tuple[dict, dict]:
    """Users by lower-cased login and by lower-cased mail: everyone (a sync), or only those who could clash
    with ``person`` (a sign-in, which must not read every user)."""
    query = select(User)
    if person is not None:
        query = query.where(or_(func.lower(User.login) == person.login.lower(),
                                func.lower(User.email) == (person.email or "").lower()))
    users = list(db.session.scalars(query))
    return ({u.login.lower(): u for u in users}, {u.email.lower(): u for u in users if u.email})


def sign_in(login: str, password: str, user: User | None, now: datetime):
    """Check the password with the directory and bring the account up to date; a LoginResult."""
    from tracker.accounts.services import LoginResult

    try:
        person = Directory().authenticate(login, password)
    except DirectoryUnavailable:
        return LoginResult(error="directory_unavailable")
    except DirectoryRefused as refusal:
        # "locked" on this page means WG Tracker's own lock, which has an end time; the directory's has none here
        return LoginResult(error="directory_locked" if refusal.reason == "locked" else refusal.reason)
    by_login, by_email = people_index(person)
    user = user or by_login.get(person.login.lower())
    problem = refusal_for(person, user, by_login, by_email)
    if problem:
        return LoginResult(error=problem)
    user, _change = apply_person(person, user, Sections())
    if not user.active:
        db.session.commit()
        return LoginResult(error="inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return LoginResult(user=user)


@dataclass
class SyncSummary:
    dry_run: bool = False
    seen: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # login, from, to
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # login, reason
    sections_created: list[str] = field(default_factory=list)
    # Sections whose staff changed while open tickets are assigned to them: reported, never reassigned.
    sections_to_review: list[tuple[str, int]] = field(default_factory=list)

    def counts(self) -> dict:
        return {"seen": self.seen, "created": len(self.created), "updated": len(self.updated),
                "moved": len(self.moved), "deactivated": len(self.deactivated),
                "reactivated": len(self.reactivated), "skipped": len(self.skipped),
                "sections_created": len(self.sections_created), "sections_to_review": len(self.sections_to_review)}

    def lines(self) -> list[str]:
        out = [_("Directory entries read: %(n)d", n=self.seen)]
        for login in self.created:
            out.append(_("created: %(login)s", login=login))
        for login, old, new in self.moved:
            out.append(_("moved: %(login)s, %(old)s → %(new)s", login=login, old=old, new=new))
        for login in self.updated:
            out.append(_("updated: %(login)s", login=login))
        for login in self.deactivated:
            out.append(_("deactivated (left the directory or disabled): %(login)s", login=login))
        for login in self.reactivated:
            out.append(_("reactivated: %(login)s", login=login))
        for login, reason in self.skipped:
            out.append(_("skipped: %(login)s (%(reason)s)", login=login, reason=str(REFUSALS.get(reason, reason))))
        for name in self.sections_created:
            out.append(_("new section: %(name)s", name=name))
        for name, count in self.sections_to_review:
            out.append(_("review: %(section)s has %(count)d open tickets and its staff changed; nothing was "
                         "reassigned", section=name, count=count))
        out.append(_("%(created)d created, %(updated)d updated, %(moved)d moved, %(deactivated)d deactivated, "
                     "%(skipped)d skipped", **self.counts()))
        return out


def _section_label(section_id: int | None, names: dict) -> str:
    return names.get(section_id, "—") if section_id else "—"


def sync(actor=None, *, dry_run: bool = False, directory: Directory | None = None) -> SyncSummary:
    """Bring every directory user up to date; deactivate those who left (never delete: their tickets keep their
    names). With ``dry_run`` everything is computed and then rolled back. Commits otherwise."""
    summary = SyncSummary(dry_run=dry_run)
    people = list((directory or Directory()).people())  # read it all first: a failed read changes nothing
    summary.seen = len(people)
    by_login, by_email = people_index()
    staff_before = {u.id: u.section_id for u in by_login.values() if u.auth_source == "ldap" and u.active}
    sections = Sections()
    section_names = {s.id: s.full_name for s in sections.sections.values()}
    logins_in_directory = {}
    for person in people:
        key = person.login.lower()
        logins_in_directory[key] = logins_in_directory.get(key, 0) + 1
    seen_ids = set()
    for person in people:
        key = person.login.lower()
        if logins_in_directory.get(key, 0) > 1:
            summary.skipped.append((person.login, "duplicate"))
            continue
        user = by_login.get(key)
        problem = refusal_for(person, user, by_login, by_email)
        if problem:
            summary.skipped.append((person.login or person.dn, problem))
            continue
        was_active = user.active if user is not None else None
        old_section = user.section_id if user is not None else None
        user, change = apply_person(person, user, sections, actor)
        seen_ids.add(user.id)
        by_login[key] = user
        by_email[user.email.lower()] = user
        section_names.update({s.id: s.full_name for s in sections.sections.values() if s.id not in section_names})
        if change == "created":
            summary.created.append(user.login)
        elif change == "updated":
            if old_section != user.section_id:
                summary.moved.append((user.login, _section_label(old_section, section_names),
                                      _section_label(user.section_id, section_names)))
            else:
                summary.updated.append(user.login)
        if was_active is False and user.active:
            summary.reactivated.append(user.login)
        if was_active and not user.active:
            summary.deactivated.append(user.login)
            sessions.end_all(user)
    for user in list(by_login.values()):
        if user.auth_source == "ldap" and user.active and user.id not in seen_ids:
            with history.recording(actor, user):
                user.active = False
            sessions.end_all(user)
            summary.deactivated.append(user.login)
    summary.sections_created = list(sections.created)
    staff_after = {u.id: u.section_id for u in by_login.values() if u.auth_source == "ldap" and u.active}
    changed_sections = {section_id for uid in staff_before.keys() | staff_after.keys()
                        if staff_before.get(uid) != staff_after.get(uid)
                        for section_id in (staff_before.get(uid), staff_after.get(uid)) if section_id}
    summary.sections_to_review = _sections_with_open_tickets(changed_sections, section_names)
    audit.record("directory.sync", actor=actor, details={"dry_run": dry_run, **summary.counts()})
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return summary


def _sections_with_open_tickets(section_ids: set[int], names: dict) -> list[tuple[str, int]]:
    if not section_ids:
        return []
    from tracker.tickets.models import IssueStatus, Ticket

    rows = db.session.execute(
        select(Ticket.assigned_section_id, func.count())
        .join(IssueStatus, IssueStatus.id == Ticket.status_id)
        .where(Ticket.assigned_section_id.in_(section_ids), IssueStatus.is_closed.is_(False))
        .group_by(Ticket.assigned_section_id)
    ).all()
    return sorted((names.get(section_id, f"#{section_id}"), count) for section_id, count in rows)


def run_scheduled_sync() -> None:
    """The worker's periodic job, every ``LDAP_SYNC_MINUTES`` (0: only by ``tracker ldap sync``)."""
    from flask import current_app

    if enabled() and current_app.config["LDAP_SYNC_MINUTES"] > 0:
        sync(None)


def _sync_interval() -> float:
    from flask import current_app

    return max(current_app.config["LDAP_SYNC_MINUTES"], 1) * 60


events.register_periodic_check("directory.sync", run_scheduled_sync, every_seconds=_sync_interval)
