"""The identity provider as an Authlib client, made from the settings when first needed."""
from __future__ import annotations

from flask import current_app

# Authlib (and requests under it) is imported when sign-in with the provider is first used, not when a worker
# starts: most cities have no provider, and the two weigh about 40 MB of a worker's memory.


def _oauth():
    app = current_app._get_current_object()
    oauth = app.extensions.get("tracker.sso")
    if oauth is None:
        from authlib.integrations.flask_client import OAuth

        oauth = app.extensions["tracker.sso"] = OAuth(app)
    return oauth


def enabled(config=None) -> bool:
    config = config or current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def sso_only(config=None) -> bool:
    config = config or current_app.config
    return enabled(config) and bool(config.get("OIDC_ONLY"))


def init_app(app) -> None:
    """Nothing to do at start: the Authlib client is made on first use (``_oauth``)."""


def provider():
    """The registered client for the configured issuer (registered once per issuer and client id)."""
    config = current_app.config
    issuer = config["OIDC_ISSUER"].rstrip("/")
    name = f"oidc-{abs(hash((issuer, config['OIDC_CLIENT_ID'])))}"
    oauth = _oauth()
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"] or None,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                           "timeout": config["OIDC_TIMEOUT_SECONDS"]},
        )
    return client
