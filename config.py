"""Checkout shim: the configuration lives in tracker/config.py (an installed wheel has no top-level config)."""
from tracker.config import *  # noqa: F401,F403
from tracker.config import ConfigError, env, load_config  # noqa: F401
