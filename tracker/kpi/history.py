"""What a KPI's history records: its definition and each measurement."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.kpi.models import Kpi

history.journaled(
    Kpi, "kpi", _l("KPI"),
    {"number": _l("No."), "plan_priority": _l("Plan priority"), "name": _l("KPI"), "unit": _l("Unit"),
     "target_value": _l("Target value"), "target_label": _l("Target as written in the plan"),
     "target_fiscal_year": _l("Target fiscal year"), "baseline_value": _l("Baseline"),
     "baseline_date": _l("Baseline date"), "measurement_interval_days": _l("Measure every (days)"),
     "measurement": _l("Measurement")},
    values={"measurement": lambda kpi: None},  # recorded by add_measurement, not compared
)
