"""Flask extensions, created unbound and initialised in ``create_app`` with ``init_app``."""
from flask import current_app, g
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from tracker.core.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
talisman = Talisman()

# Everything is served by the application itself (no CDN inside LGWAN), so 'self' is all a page needs.
# No inline script: templates use data- attributes and static/js/app.js. Inline style= attributes remain
# in a few templates (widths of progress bars, chart colours), so style-src alone allows them.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class LazyMigrate:
    """``app.extensions["migrate"]`` until something migrates: Flask-Migrate imports Alembic, Mako and Pygments
    (about 12 MB and 150 modules), which a worker serving requests never needs. The first attribute read
    (``flask_migrate.upgrade()``, the ``tracker db`` commands) sets up the real extension, which takes the place of
    this one; ``directory`` is answered without it (``/healthz`` reads it)."""

    def __init__(self, app, db, **options):
        self.app, self.db, self.options = app, db, options
        self.directory = options["directory"]

    def __getattr__(self, name):
        from flask_migrate import Migrate

        Migrate(self.app, self.db, **self.options)
        return getattr(self.app.extensions["migrate"], name)


def init_migrate(app, **options) -> None:
    app.extensions["migrate"] = LazyMigrate(app, db, **options)


def init_security_headers(app) -> None:
    """CSP, X-Frame-Options, nosniff and Referrer-Policy on every response. HTTPS is the reverse proxy's
    job (force_https off) and the cookies' Secure flag stays with the configuration (SECURE_COOKIES).

    A view that needs a stricter Referrer-Policy (a token in the address) sets ``g.referrer_policy``."""

    @app.after_request
    def _view_referrer_policy(response):  # registered first, so it runs after Talisman's
        policy = g.get("referrer_policy")
        if policy:
            response.headers["Referrer-Policy"] = policy
        return response

    talisman.init_app(
        app,
        force_https=False,
        session_cookie_secure=False,  # Talisman would force it on; config.SESSION_COOKIE_SECURE decides
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        strict_transport_security=True,  # only sent on requests that arrived over HTTPS
    )


def init_limiter(app) -> None:
    """Bind the limiter, with ``RATELIMIT_ENABLED`` deciding per app rather than per process.

    The ``Limiter`` object is shared by every app made in the process, and its ``init_app`` stores the
    app's ``RATELIMIT_ENABLED`` in that one object (and hands it on as the default of the next app): one
    app made with rate limits off (a test's worker app) switched them off for every app. So the limiter
    itself always stays on and a request filter reads the setting of the app serving the request."""
    enabled = bool(app.config.get("RATELIMIT_ENABLED", True))
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled


@limiter.request_filter
def _disabled_in_this_app() -> bool:
    return not current_app.config.get("RATELIMIT_ENABLED", True)
