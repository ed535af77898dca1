"""Loading an object that belongs to a WG from a URL: 404 when it is missing, hidden by its access policy,
or belongs to another WG."""
from __future__ import annotations

from flask import abort

from tracker.core.requests import load


def in_wg(model, object_id: int, wg):
    obj = load(model, object_id)  # 404 unless the object's policy lets the user see it
    if obj.wg_id != wg.id:
        abort(404)
    return obj
