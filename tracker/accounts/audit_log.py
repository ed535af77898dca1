"""The security and administration events of accounts, as entries of the audit log (``tracker.core.audit``).

Sign-ins, failed sign-ins (with the login that was typed, even when no account has it), lockouts, logouts and
ended sessions, password changes and resets, API keys; and what administrators do to users. The two-factor
events (enabled, disabled, reset by an administrator) are declared with the feature, in
``tracker.accounts.twofactor``.

Only interactive sign-ins are recorded: HTTP Basic and API keys authenticate every API request, and an entry
per request would bury the events that matter (failures there still count towards the address throttle and,
with a password, the account's lockout, which *is* recorded).
"""
from __future__ import annotations

from tracker.core import audit, history
from tracker.core.translation import lazy_gettext as _l

SECURITY, ADMIN = "security", "admin"

LOGIN = audit.register_action("auth.login", _l("Signed in"), SECURITY).name
LOGIN_FAILED = audit.register_action("auth.login_failed", _l("Sign-in failed"), SECURITY).name
LOCKOUT = audit.register_action("auth.lockout", _l("Account locked after failed sign-ins"), SECURITY).name
LOGOUT = audit.register_action("auth.logout", _l("Signed out"), SECURITY).name
SESSION_REVOKED = audit.register_action("auth.session_revoked", _l("Session ended"), SECURITY).name
PASSWORD_CHANGED = audit.register_action("account.password_changed", _l("Password changed"), SECURITY).name
PASSWORD_RESET = audit.register_action("account.password_reset", _l("Password set through a reset link"), SECURITY).name
API_KEY_CREATED = audit.register_action("account.api_key_created", _l("API key created"), SECURITY).name

USER_CREATED = audit.register_action("admin.user_created", _l("User created"), ADMIN).name
USER_UPDATED = audit.register_action("admin.user_updated", _l("User changed"), ADMIN).name
USER_ROLES_CHANGED = audit.register_action(
    "admin.user_roles_changed", _l("Administrator right or organisation roles changed"), ADMIN).name
USER_DEACTIVATED = audit.register_action("admin.user_deactivated", _l("User deactivated"), ADMIN).name
USER_ACTIVATED = audit.register_action("admin.user_activated", _l("User activated"), ADMIN).name
USER_UNLOCKED = audit.register_action("admin.user_unlocked", _l("User unlocked"), ADMIN).name
USER_DELETED = audit.register_action("admin.user_deleted", _l("User deleted"), ADMIN).name
RESET_MAIL_SENT = audit.register_action(
    "admin.password_reset_sent", _l("Password reset mail sent by an administrator"), ADMIN).name

# What an administrator's edit of a user compares, old → new. Roles and the admin flag grant rights, so they
# are their own entry (``admin.user_roles_changed``); "active" has its own actions too.
PROFILE_FIELDS = ("login", "name", "name_kana", "email", "section_id", "job_title", "language")
RIGHTS_FIELDS = ("is_admin", "org_roles")


def user_snapshot(user) -> dict:
    """The fields of ``user`` an administrator can change, as JSON-safe values (roles as a sorted list); the
    user's journaled fields (tracker/accounts/history.py), so these entries read back in the user's 履歴."""
    return history.snapshot(user)


def record_admin_edit(actor, user, before: dict, *, password_set: bool = False, details: dict | None = None) -> None:
    """One entry per kind of change an administrator's edit made: profile fields (and whether a password was
    set: never the password itself), rights, activation (with ``details``, e.g. how many sessions a
    deactivation ended). An edit that changed nothing records nothing."""
    changes = history.diff(before, user_snapshot(user))
    profile = [c for c in changes if c[0] in PROFILE_FIELDS]
    rights = [c for c in changes if c[0] in RIGHTS_FIELDS]
    if profile or password_set:
        audit.record(USER_UPDATED, actor=actor, obj=user, changes=profile,
                     details={"password_set": True} if password_set else None)
    if rights:
        audit.record(USER_ROLES_CHANGED, actor=actor, obj=user, changes=rights)
    for name, old, new in changes:
        if name == "active":
            audit.record(USER_ACTIVATED if new else USER_DEACTIVATED, actor=actor, obj=user, changes=[[name, old, new]],
                         details=details)
