"""The board pages (/board across WGs, /projects/<id>/board), the no-script move form and the WIP limits.

The page reads the same parameters as the ticket list (filters, ``query_id`` for a saved query) plus
``column_by`` and ``lane_by``; without script each card's move menu posts here, with script the page reads
and posts the JSON of ``tracker.board.api``."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, g, get_template_attribute, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from flask_login import current_user, login_required

from tracker.board import services
from tracker.board.board import MAX_CARDS, build_board
from tracker.board.columns import COLUMN_FIELDS, LANE_FIELDS
from tracker.core.layout import NavItem, WGTab
from tracker.core.requests import Conflict, load, perform, redirect_to
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.tickets.models import Ticket
from tracker.tickets.services import StaleTicketError
from tracker.tickets.web.list_views import _filter_options, _saved_queries, build_query, options_html
from tracker.wg.views import load_wg

bp = Blueprint("board", __name__)
blueprints = [bp]
nav_items = [NavItem("board.index", _l("Board"), order=32, section="/board")]
wg_tabs = [WGTab("board", _l("Board"), "board.project_index", order=22,
                 visible=lambda wg, user: wg.allows(user, "view_issues"))]

# Parameters of the board itself, not of the ticket query.
BOARD_PARAMS = ("column_by", "lane_by")


def layout_params(args) -> tuple[str, str | None]:
    """``column_by`` and ``lane_by`` from the request; an unknown value falls back to the default."""
    column_by = args.get("column_by") or "status"
    lane_by = args.get("lane_by") or None
    if column_by not in COLUMN_FIELDS:
        flash(_("Unknown board column: %(name)s", name=column_by), "error")
        column_by = "status"
    if lane_by and lane_by not in LANE_FIELDS:
        flash(_("Unknown swimlane: %(name)s", name=lane_by), "error")
        lane_by = None
    return column_by, lane_by


def board_query(identifier: str | None):
    """The ticket query of the board: the list's parameters (or the saved query), highest priority first
    unless a sort is given."""
    query = build_query(identifier)
    if not request.args.get("sort") and not (g.get("saved_query") and (g.saved_query.params or {}).get("sort")):
        query.sort = [("priority", True), ("id", True)]
    return query


def cards_html(board, across_wgs: bool) -> dict[int, Markup]:
    """Each card's HTML (templates/board/index.html places them), built here rather than in a template loop,
    as the ticket list builds its filter options: a board of 500 cards would otherwise spend most of its
    time in Jinja's per-value escaping. What many cards share is rendered once: the priority badge (the
    shared macro, per priority), the due date (the shared macro, per date), the move menu's options (per set
    of targets). The move menus are fields of one form around the board, not a form per card.)"""
    priority_macro = get_template_attribute("core/_badges.html", "priority")
    due_macro = get_template_attribute("core/_badges.html", "due")
    labels = {c.key: c.label for c in board.columns}
    move, unassigned = escape(_("Move")), escape(_("Unassigned"))
    move_to = _("Move to")
    priorities, dues, menus, html = {}, {}, {}, {}
    for card in board.cards:
        if card.priority_id not in priorities:
            priorities[card.priority_id] = priority_macro(card.priority)
        due_key = (card.due_date, card.is_closed)
        if due_key not in dues:
            dues[due_key] = due_macro(card.due_date, closed=card.is_closed)
        targets = tuple(board.allowed.get(card.id, ()))
        if targets not in menus:
            menus[targets] = "".join(f'<option value="{escape(k)}">{escape(labels[k])}</option>' for k in targets)
        menu = ""
        if targets:
            # fields of the board's one move form (templates/board/index.html): the button says which card
            menu = (f'<details class="move-menu"><summary aria-label="{escape(move_to)} #{card.id}">{move}</summary>'
                    f'<select name="target-{card.id}" aria-label="{escape(move_to)}">{menus[targets]}</select>'
                    f'<input type="hidden" name="lock_version-{card.id}" value="{card.lock_version}">'
                    f'<button name="ticket_id" value="{card.id}" class="small">{move}</button></details>')
        wg = f' <span class="meta card-wg">{escape(card.wg.name)}</span>' if across_wgs else ""
        html[card.id] = Markup(
            f'<li class="kanban-card{" movable" if targets else ""}" id="card-{card.id}" data-ticket-id="{card.id}">'
            f'<div class="card-top"><a href="{card.url}">#{card.id}</a> {priorities[card.priority_id]}{wg}</div>'
            f'<div class="card-subject">{escape(card.subject)}</div><div class="card-meta">'
            f'{escape(card.assignee_name) if card.assignee_name else unassigned} {dues[due_key]}</div>{menu}</li>')
    return html


def _render(identifier: str | None, wip_input: dict | None = None):
    query = board_query(identifier)
    for message in query.errors:
        flash(message, "error")
    column_by, lane_by = layout_params(request.args)
    board = build_board(current_user, query, column_by, lane_by)
    wg = query.wg
    json_base = url_for("board_api.project_board", identifier=wg.identifier) if wg else url_for("board_api.board")
    return render_template(
        "board/index.html", board=board, query=query, wg=wg, column_fields=COLUMN_FIELDS, lane_fields=LANE_FIELDS,
        options=_filter_options(query), options_html=options_html, saved_queries=_saved_queries(wg),
        saved_query=g.get("saved_query"), max_cards=MAX_CARDS,
        cards_html=cards_html(board, across_wgs=wg is None),
        json_url=json_base + ("?" + request.query_string.decode() if request.query_string else ""),
        can_set_limits=wg is not None and wg.allows(current_user, "manage_wg") and not services.is_read_only(current_user, wg),
        back=request.full_path.rstrip("?") if request.method == "GET" else request.form.get("back", ""),
        wip_input=wip_input,
    )


@bp.get("/board")
@login_required
def index():
    return _render(None)


@bp.get("/projects/<identifier>/board")
@login_required
def project_index(identifier: str):
    return _render(identifier)


@bp.post("/board/move")
@login_required
def move():
    """The move menu of a card (the keyboard's and no-script way of dragging it)."""
    ticket = load(Ticket, request.form.get("ticket_id"))
    back = request.form.get("back")
    fallback = url_for(".index")
    column_by = request.form.get("column_by", "status")
    # the board's one form: the pressed button names the card, whose menu is target-<id> (plain names also do)
    target = request.form.get(f"target-{ticket.id}", request.form.get("target", ""))
    lock_version = request.form.get(f"lock_version-{ticket.id}", request.form.get("lock_version"))
    try:
        journal = perform(lambda: services.move_card(ticket, current_user, column_by, target, lock_version))
    except (Conflict, StaleTicketError):
        flash(_("#%(id)s was changed by someone else meanwhile: the board shows it as it is now.", id=ticket.id), "error")
        return redirect_to(back, fallback)
    if journal is not None:
        flash(_("#%(id)s was moved.", id=ticket.id), "success")
    return redirect_to(back, fallback)


@bp.post("/projects/<identifier>/board/wip_limits")
@login_required
def wip_limits(identifier: str):
    wg = load_wg(identifier, "manage_wg")
    column_by = request.form.get("column_by", "status")
    limits = {key[4:-1]: value for key, value in request.form.items() if key.startswith("wip[") and key.endswith("]")}
    if perform(lambda: services.set_wip_limits(wg, current_user, column_by, limits),
               success=_("The WIP limits were saved.")) is None:
        return _render(identifier, wip_input=limits), 422  # the board again, with the numbers as typed
    return redirect_to(request.form.get("back"),
                       url_for(".project_index", identifier=wg.identifier) + "?" + urlencode({"column_by": column_by}))
