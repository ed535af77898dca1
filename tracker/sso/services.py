"""Who an OpenID Connect sign-in is: the ID token's claims become the user, created or updated like a directory
sign-in (the same checks, the same history)."""
from __future__ import annotations

from flask import current_app

from tracker.accounts import audit_log
from tracker.accounts.services import LoginResult
from tracker.core import audit
from tracker.core.db import utcnow
from tracker.directory.client import DirectoryPerson
from tracker.directory.services import Sections, people_index, refusal_for, apply_person
from tracker.extensions import db


def _claim(claims: dict, setting: str) -> str | None:
    name = current_app.config[setting]
    if not name:
        return None
    value = claims.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    value = str(value).strip() if value is not None else ""
    return value or None


def person_from_claims(claims: dict) -> DirectoryPerson:
    login = _claim(claims, "OIDC_CLAIM_LOGIN") or ""
    return DirectoryPerson(
        dn=f"oidc:{claims.get('sub')}", login=login, name=_claim(claims, "OIDC_CLAIM_NAME") or login,
        kana=_claim(claims, "OIDC_CLAIM_KANA"), email=_claim(claims, "OIDC_CLAIM_MAIL"),
        section=_claim(claims, "OIDC_CLAIM_SECTION"), department=_claim(claims, "OIDC_CLAIM_DEPARTMENT"),
        title=_claim(claims, "OIDC_CLAIM_TITLE"),
    )


def sign_in(claims: dict) -> LoginResult:
    """The user these verified claims describe, created or brought up to date; a LoginResult. The attempt is
    one audit entry either way, committed here."""
    result = _sign_in(claims)
    login = (person_from_claims(claims).login or str(claims.get("sub") or ""))[:255]
    if result.ok:
        audit.record(audit_log.LOGIN, actor=result.user, obj=result.user, details={"via": "oidc"})
    else:
        audit.record(audit_log.LOGIN_FAILED, login=login, details={"reason": result.error, "via": "oidc"})
    db.session.commit()
    return result


def _sign_in(claims: dict) -> LoginResult:
    person = person_from_claims(claims)
    if not claims.get("sub") or not person.login:
        return LoginResult(error="sso_claims")
    if claims.get("email_verified") is False:
        return LoginResult(error="no_mail")
    by_login, by_email = people_index(person)
    user = by_login.get(person.login.lower())
    problem = refusal_for(person, user, by_login, by_email)
    if problem:
        return LoginResult(error=problem)
    # A person the directory sync knows stays the directory's; the provider only signs them in.
    source = user.auth_source if user is not None and user.auth_source == "ldap" else "oidc"
    user, _change = apply_person(person, user, Sections(), source=source)
    if not user.active:
        return LoginResult(error="inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    return LoginResult(user=user)
