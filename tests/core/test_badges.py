"""The shared badges: a due date that has passed on an open item says so in words, not only in red."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template_string

from tracker.core.i18n import local_today

DUE = '{% import "core/_badges.html" as badges %}{{ badges.due(day, closed=closed) }}'


def test_an_overdue_open_item_says_by_how_many_days(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        html = render_template_string(DUE, day=local_today() - timedelta(days=3), closed=False)
    assert "overdue" in html and "3日超過" in html


def test_a_closed_item_or_a_future_date_is_not_overdue(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        closed = render_template_string(DUE, day=local_today() - timedelta(days=3), closed=True)
        future = render_template_string(DUE, day=local_today() + timedelta(days=1), closed=False)
    assert "超過" not in closed and "超過" not in future
    assert "overdue" not in future
