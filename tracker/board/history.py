"""The board's WIP limits are a WG setting: their changes show in the WG's 履歴 (the WG's journaled spec
gains the field here, where the board feature is installed)."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.wg import history as _wg_history  # noqa: F401  (declares the WG's spec first)

_spec = history.registered()["wg"]
_spec.fields.setdefault("board_wip_limits", _l("Board WIP limits"))


def _limits(wg):
    from tracker.board.services import wip_limits_text

    return wip_limits_text(wg)


_spec.values.setdefault("board_wip_limits", _limits)
