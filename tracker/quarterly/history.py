"""What a quarterly cell's history records."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l, lazy_pgettext as _lp
from tracker.quarterly.forms import STATUS_LABELS
from tracker.quarterly.models import QuarterlyEntry

history.journaled(
    QuarterlyEntry, "quarterly_entry", _l("Quarterly entry"),
    {"initiative": _l("Initiative"), "fiscal_year": _l("Fiscal year"), "quarter": _l("Quarter"),
     "target": _l("Target"), "actual": _l("Actual"), "status": _lp("progress", "Status")},
    display={"status": history.choice(STATUS_LABELS)},
)
