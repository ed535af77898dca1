"""Flask extensions, created unbound and initialised in ``create_app`` with ``init_app``."""
from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from tracker.core.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


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
