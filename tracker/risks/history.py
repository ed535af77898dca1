"""What a risk's history records."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.risks.forms import CATEGORY_LABELS, RESPONSE_LABELS
from tracker.risks.models import Risk

history.journaled(
    Risk, "risk", _l("Risk"),
    {"title": _l("Risk"), "description": _l("Description"), "category": _l("Category"),
     "probability": _l("Probability (1-5)"), "impact": _l("Impact (1-5)"), "response": _l("Response"),
     "response_plan": _l("Response plan"), "owner_id": _l("Owner"), "next_review": _l("Next review"),
     "closed": _l("Closed")},
    display={"category": history.choice(CATEGORY_LABELS), "response": history.choice(RESPONSE_LABELS),
             "owner_id": history.user_name, "closed": history.yes_no},
)
