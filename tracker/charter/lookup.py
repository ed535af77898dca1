"""Loading an object that belongs to a WG from a URL: 404 when it is missing or belongs to another WG."""
from __future__ import annotations

from flask import abort

from tracker.extensions import db


def in_wg(model, object_id: int, wg):
    obj = db.session.get(model, object_id)
    if obj is None or obj.wg_id != wg.id:
        abort(404)
    return obj
