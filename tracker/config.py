"""Configuration classes.

Every setting can be overridden by an environment variable named ``TRACKER_<SETTING>``,
e.g. ``TRACKER_DATABASE_URL`` or ``TRACKER_SECRET_KEY``. Values are read when a config
object is created, so tests and ``create_app`` always see the current environment.
"""
from __future__ import annotations

import os
from pathlib import Path

from tracker.paths import CHECKOUT_ROOT as PROJECT_ROOT  # noqa: F401  (kept for older imports)
from tracker.paths import instance_dir

MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message tells the operator what to fix."""


def env(name: str, default=None, cast=str):
    raw = os.environ.get(f"TRACKER_{name}")
    if raw is None or raw == "":
        return default
    if cast is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return cast(raw)


def _names(text: str) -> tuple[str, ...]:
    """A comma-separated setting as a tuple of lower-case names."""
    return tuple(part.strip().lower() for part in (text or "").split(",") if part.strip())


class Config:
    name = "base"
    default_secret_key: str | None = None
    default_database_url: str | None = None  # None: tracker.db in the instance folder

    def __init__(self, **overrides):
        # Read when the config is made, not at import: tests and the CLI set TRACKER_INSTANCE_DIR late.
        self.INSTANCE_DIR = str(instance_dir())
        default_database_url = self.default_database_url or f"sqlite:///{Path(self.INSTANCE_DIR) / 'tracker.db'}"
        self.SECRET_KEY = env("SECRET_KEY", self.default_secret_key)
        self.SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", default_database_url)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

        self.BABEL_DEFAULT_LOCALE = "ja"
        self.BABEL_DEFAULT_TIMEZONE = env("TIMEZONE", "Asia/Tokyo")
        self.LANGUAGES = ["ja", "en"]

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env("SECURE_COOKIES", False, bool)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_ENABLED = True
        self.WTF_CSRF_TIME_LIMIT = None  # a long form filled in slowly must still save

        # Lockout after failed sign-ins: a city's policy names it TRACKER_PASSWORD_LOCKOUT_*, older installs
        # TRACKER_LOGIN_*.
        self.LOGIN_MAX_FAILURES = env("PASSWORD_LOCKOUT_THRESHOLD", env("LOGIN_MAX_FAILURES", 5, int), int)
        self.LOGIN_LOCK_MINUTES = env("PASSWORD_LOCKOUT_MINUTES", env("LOGIN_LOCK_MINUTES", 15, int), int)
        self.LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "20 per minute")
        # The password policy (tracker.accounts.password_policy), one validator for every way a password is set.
        self.PASSWORD_MIN_LENGTH = env("PASSWORD_MIN_LENGTH", 10, int)
        # Character classes a password must contain, comma-separated: lower, upper, digit, symbol.
        self.PASSWORD_REQUIRED_CLASSES = _names(env("PASSWORD_REQUIRED_CLASSES", ""))
        self.PASSWORD_HISTORY = env("PASSWORD_HISTORY", 0, int)  # the last N passwords cannot be reused
        self.PASSWORD_MAX_AGE_DAYS = env("PASSWORD_MAX_AGE_DAYS", 0, int)  # 0: passwords do not expire
        # A password an administrator set must be changed by its user at the first sign-in.
        self.PASSWORD_CHANGE_ADMIN_SET = env("PASSWORD_CHANGE_ADMIN_SET", True, bool)
        # Two-factor sign-in (TOTP, tracker.accounts.twofactor). Required for users with one of these roles
        # ("admin" or an organisation role: dx_office, hr, idea_moderator), or for everyone; such users are
        # sent to enrolment until they enrol. A device can be remembered for N days (0: never).
        self.TWO_FACTOR_REQUIRED_ROLES = _names(env("2FA_REQUIRED_ROLES", "admin,hr"))
        self.TWO_FACTOR_REQUIRED_FOR_ALL = env("2FA_REQUIRED_FOR_ALL", False, bool)
        self.TWO_FACTOR_REMEMBER_DAYS = env("2FA_REMEMBER_DAYS", 0, int)
        self.TWO_FACTOR_ISSUER = env("2FA_ISSUER", "WG Tracker")  # the name authenticator apps show
        # Password reset links ("Lost password"): how long a link works when the user asked for it, and
        # when an administrator sent it (after an import people may not read their mail within the hour).
        self.PASSWORD_RESET_HOURS = env("PASSWORD_RESET_HOURS", 1, int)
        self.PASSWORD_RESET_ADMIN_HOURS = env("PASSWORD_RESET_ADMIN_HOURS", 72, int)
        self.PASSWORD_RESET_RATE_LIMIT = env("PASSWORD_RESET_RATE_LIMIT", "5 per 10 minutes")
        # At most this many reset mails per account per hour, whoever asks (no mail bombing through the form).
        self.PASSWORD_RESET_MAILS_PER_HOUR = env("PASSWORD_RESET_MAILS_PER_HOUR", 3, int)
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = env("RATELIMIT_ENABLED", True, bool)
        self.RATELIMIT_HEADERS_ENABLED = True

        # Active Directory / LDAP (tracker.directory). Off while LDAP_URL is empty: only local accounts.
        # With LDAP_BIND_DN the app searches with that service account and then binds as the user found;
        # without it, it binds directly as LDAP_USER_DN (``{login}`` is replaced), e.g. ``{login}@city.local``.
        self.LDAP_URL = env("LDAP_URL", "")  # ldap://dc1.city.local or ldaps://dc1.city.local:636
        self.LDAP_STARTTLS = env("LDAP_STARTTLS", False, bool)
        self.LDAP_CA_FILE = env("LDAP_CA_FILE", "")  # the city's CA, to verify LDAPS/StartTLS certificates
        self.LDAP_BIND_DN = env("LDAP_BIND_DN", "")
        self.LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", "")
        self.LDAP_USER_DN = env("LDAP_USER_DN", "")
        self.LDAP_BASE_DN = env("LDAP_BASE_DN", "")
        self.LDAP_USER_FILTER = env("LDAP_USER_FILTER", "(&(objectClass=person)(uid={login}))")
        self.LDAP_SYNC_FILTER = env("LDAP_SYNC_FILTER", "(objectClass=person)")
        self.LDAP_TIMEOUT_SECONDS = env("LDAP_TIMEOUT_SECONDS", 5, int)
        # Attribute mapping (Active Directory: sAMAccountName, displayName, mail, department, title).
        # An empty section/department attribute means: take them from the entry's OUs (課, then 部).
        self.LDAP_ATTR_LOGIN = env("LDAP_ATTR_LOGIN", "uid")
        self.LDAP_ATTR_NAME = env("LDAP_ATTR_NAME", "cn")
        self.LDAP_ATTR_KANA = env("LDAP_ATTR_KANA", "")
        self.LDAP_ATTR_MAIL = env("LDAP_ATTR_MAIL", "mail")
        self.LDAP_ATTR_SECTION = env("LDAP_ATTR_SECTION", "department")
        self.LDAP_ATTR_DEPARTMENT = env("LDAP_ATTR_DEPARTMENT", "")
        self.LDAP_ATTR_TITLE = env("LDAP_ATTR_TITLE", "title")
        # How often the worker syncs the directory (0: only by ``tracker ldap sync``).
        self.LDAP_SYNC_MINUTES = env("LDAP_SYNC_MINUTES", 0, int)
        # Single sign-on with OpenID Connect (tracker.sso): off while OIDC_ISSUER or OIDC_CLIENT_ID is empty.
        # The provider's discovery document is read from <issuer>/.well-known/openid-configuration; register
        # <site>/login/sso/callback as the redirect URI there.
        self.OIDC_ISSUER = env("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
        self.OIDC_SCOPES = env("OIDC_SCOPES", "openid email profile")
        self.OIDC_ONLY = env("OIDC_ONLY", False, bool)  # password sign-in only for local administrators
        self.OIDC_TIMEOUT_SECONDS = env("OIDC_TIMEOUT_SECONDS", 10, int)
        self.OIDC_CLAIM_LOGIN = env("OIDC_CLAIM_LOGIN", "preferred_username")
        self.OIDC_CLAIM_NAME = env("OIDC_CLAIM_NAME", "name")
        self.OIDC_CLAIM_KANA = env("OIDC_CLAIM_KANA", "")
        self.OIDC_CLAIM_MAIL = env("OIDC_CLAIM_MAIL", "email")
        self.OIDC_CLAIM_SECTION = env("OIDC_CLAIM_SECTION", "")
        self.OIDC_CLAIM_DEPARTMENT = env("OIDC_CLAIM_DEPARTMENT", "")
        self.OIDC_CLAIM_TITLE = env("OIDC_CLAIM_TITLE", "")
        self.BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")
        # Rows of one ticket export (CSV, XLSX). Redmine's issues_export_limit is 500; exports here are streamed
        # in batches, so a worker's memory stays flat and a larger limit costs only time.
        self.EXPORT_ROW_LIMIT = env("EXPORT_ROW_LIMIT", 100_000, int)
        self.UPLOAD_DIR = env("UPLOAD_DIR", str(Path(self.INSTANCE_DIR) / "uploads"))
        # Compiled templates, shared by every worker and kept across restarts (Jinja's bytecode cache, keyed by
        # each template's source, so an upgrade recompiles what changed). A worker then loads a template's code
        # instead of parsing and compiling it: faster first pages, and none of the memory that compiling the pages of
        # a ticket list and an issue leaves behind (about 4 MB over the first requests). Empty: no cache.
        self.TEMPLATE_CACHE_DIR = env("TEMPLATE_CACHE_DIR", str(Path(self.INSTANCE_DIR) / "template-cache"))
        self.MAX_ATTACHMENT_BYTES = env("MAX_ATTACHMENT_MB", 10, int) * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.MAX_ATTACHMENT_BYTES + 1024 * 1024
        self.DEMO_PASSWORD = env("DEMO_PASSWORD", "wg-demo-2026")
        # Reverse proxies in front of gunicorn (nginx: 1). Their X-Forwarded-For/-Proto/-Host are trusted for
        # that many hops, so rate limits, the audit log and the request log see the real client address.
        self.TRUSTED_PROXIES = env("TRUSTED_PROXIES", 0, int)
        # The audit log keeps entries this many days (5 years); `tracker audit prune` removes older ones.
        self.AUDIT_RETENTION_DAYS = env("AUDIT_RETENTION_DAYS", 1827, int)
        self.LOG_JSON = env("LOG_JSON", False, bool)  # one JSON object per request line instead of key=value
        self.TESTING = False
        self.DEBUG = False
        for key, value in overrides.items():
            setattr(self, key, value)
        if str(self.SQLALCHEMY_DATABASE_URI).startswith("sqlite") and "SQLALCHEMY_ENGINE_OPTIONS" not in overrides:
            # A local file is never disconnected: pinging it would cost a query on every request.
            self.SQLALCHEMY_ENGINE_OPTIONS = {}

    def validate(self) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    name = "development"
    default_secret_key = "development-only-key-never-use-in-production"

    def __init__(self, **overrides):
        super().__init__(**overrides)
        self.DEBUG = env("DEBUG", True, bool)


class TestConfig(Config):
    name = "test"
    default_secret_key = "test-key-that-is-long-enough-for-the-checks"
    default_database_url = "sqlite://"

    def __init__(self, **overrides):
        overrides.setdefault("TESTING", True)
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", env("TEST_DATABASE_URL", "sqlite://"))
        overrides.setdefault("PASSWORD_MIN_LENGTH", 10)
        # The suite signs administrators in with a password alone and sets passwords as an administrator;
        # the tests of two-factor sign-in and of the password policy turn these on where they need them.
        overrides.setdefault("TWO_FACTOR_REQUIRED_ROLES", ())
        overrides.setdefault("PASSWORD_CHANGE_ADMIN_SET", False)
        super().__init__(**overrides)


class ProductionConfig(Config):
    name = "production"

    def __init__(self, **overrides):
        super().__init__(**overrides)
        self.SESSION_COOKIE_SECURE = env("SECURE_COOKIES", True, bool)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE

    def validate(self) -> None:
        key = self.SECRET_KEY or ""
        if key in KNOWN_PUBLIC_KEYS:
            raise ConfigError(
                "TRACKER_SECRET_KEY is the development key published in the repository; anyone could sign "
                "a session cookie with it. Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        if len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "TRACKER_SECRET_KEY is missing or shorter than "
                f"{MIN_SECRET_KEY_LENGTH} characters; production will not start without it. "
                "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )


# Keys that are in the repository: a production instance started with one of them is not secret.
KNOWN_PUBLIC_KEYS = {DevelopmentConfig.default_secret_key, TestConfig.default_secret_key}

CONFIGS = {cls.name: cls for cls in (DevelopmentConfig, TestConfig, ProductionConfig)}


def load_config(name: str | None = None, **overrides) -> Config:
    # Unset means production: the development key is in the repository, so only an explicit
    # TRACKER_ENV=development (``make run``) or the tests may use it.
    name = name or os.environ.get("TRACKER_ENV") or "production"
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigError(f"TRACKER_ENV={name!r} is unknown; use one of {', '.join(CONFIGS)}") from None
    return cls(**overrides)
