"""A server-side "are you sure?" step for destructive POSTs (deactivate, delete) that works without script.

The first POST answers with a confirmation page that posts the same fields again with ``confirmed=1``; only
that second POST does the change. A script may skip the page by sending ``confirmed=1`` itself after asking.
"""
from __future__ import annotations

from flask import render_template, request


def confirmation_page(question, *, action_label, cancel_url: str, details: str = ""):
    """None when this POST is already confirmed; otherwise the page that asks (nothing has changed)."""
    if request.form.get("confirmed") == "1":
        return None
    fields = [(name, value) for name, values in request.form.lists() if name not in ("csrf_token", "confirmed")
              for value in values]
    return render_template("core/confirm.html", question=question, details=details, action_label=action_label,
                           action=request.full_path.rstrip("?"), fields=fields, cancel_url=cancel_url)
