"""Access logs without secrets: a feed reader or script passes its key in the address (``?key=``), and an
access log is read by more people than the database. ``redact`` hides the value; ``RedactQueryKeys`` is a
logging filter for the werkzeug and gunicorn access loggers (installed by ``install``)."""
from __future__ import annotations

import logging
import re

# key=, api_key=, token= as a query parameter (after ? or &), up to the next & / space / quote.
_SECRET_PARAMETER = re.compile(r"(?P<lead>[?&](?:key|api_key|token)=)[^&\s\"']*", re.IGNORECASE)
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    """``text`` (a URL, a request line or a whole log line) with the values of key-like parameters hidden."""
    return _SECRET_PARAMETER.sub(r"\g<lead>[redacted]", text)


def _redact_query_string(value: str) -> str:
    # gunicorn's %(q)s atom is the bare query string, without the leading "?".
    return redact("?" + value)[1:]


class RedactQueryKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {
                name: (_redact_query_string(value) if name == "q" else redact(value)) if isinstance(value, str) else value
                for name, value in record.args.items()
            }
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(value) if isinstance(value, str) else value for value in record.args)
        return True


def install() -> None:
    """Add the filter to the access loggers once per process (create_app may run many times)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryKeys) for f in logger.filters):
            logger.addFilter(RedactQueryKeys())
