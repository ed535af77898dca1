"""/login/sso starts the sign-in at the identity provider; /login/sso/callback finishes it.

The callback is a GET, because the provider sends the browser back with a redirect: it is the one GET that signs
someone in (and so writes: the user row, their history, their session). The state and PKCE verifier Authlib keeps
in the signed session cookie are what protect it, as the CSRF token protects the password form."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from tracker.accounts import sessions
from tracker.core.requests import redirect_to, safe_path
from tracker.directory.services import REFUSALS
from tracker.sso import services
from tracker.sso.client import enabled, provider

bp = Blueprint("sso", __name__)
blueprints = [bp]

_NEXT = "sso_next"


def _refuse(reason: str):
    flash(str(REFUSALS.get(reason, REFUSALS["sso_failed"])), "error")
    return redirect(url_for("accounts.login"))


@bp.get("/login/sso")
def start():
    if not enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    session[_NEXT] = safe_path(request.args.get("next")) or url_for("core.home")
    from authlib.integrations.base_client.errors import OAuthError  # imported on use: see sso.client
    from requests import RequestException

    try:
        return provider().authorize_redirect(url_for("sso.callback", _external=True))
    except (RequestException, OAuthError, ValueError):
        return _refuse("sso_unavailable")


@bp.get("/login/sso/callback")
def callback():
    if not enabled():
        abort(404)
    if request.args.get("error") or not request.args.get("code"):
        return _refuse("sso_failed")
    from authlib.integrations.base_client.errors import OAuthError
    from requests import RequestException

    try:
        token = provider().authorize_access_token()
        claims = dict(token.get("userinfo") or provider().userinfo(token=token))
    except RequestException:
        return _refuse("sso_unavailable")
    except (OAuthError, ValueError, KeyError):  # wrong or replayed state, bad token, bad signature, expired
        return _refuse("sso_failed")
    result = services.sign_in(claims)
    if not result.ok:
        return _refuse(result.error)
    sessions.start(result.user, remember=False)
    return redirect_to(session.pop(_NEXT, None), url_for("core.home"))
