"""The page where people get the API key that Redmine clients send (Redmine's "API access key")."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from tracker.accounts.services import issue_api_key
from tracker.extensions import db

bp = Blueprint("redmine", __name__)


class ApiKeyForm(FlaskForm):
    pass


@bp.route("/my/api_key", methods=["GET", "POST"])
@login_required
def my_api_key():
    form = ApiKeyForm()
    key = None
    if form.validate_on_submit():
        key = issue_api_key(current_user)
        db.session.commit()
    return render_template(
        "redmine/api_key.html", form=form, key=key, has_key=bool(current_user.api_key_digest),
        base_url=request.host_url.rstrip("/"), title=_("API key"),
    )


blueprints = [bp]
