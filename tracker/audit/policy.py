"""Who reads the audit log: administrators (who hold every organisation permission) and auditors (監査担当)."""
from __future__ import annotations

from tracker.accounts.models import OrgRole
from tracker.core import audit
from tracker.core.org_permissions import register_org_permission
from tracker.core.translation import lazy_gettext as _l

VIEW_AUDIT_LOG = "view_audit_log"

register_org_permission(VIEW_AUDIT_LOG, _l("Search and export the audit log"), roles=[OrgRole.AUDITOR])

# Reading the log is itself audited when it leaves the system as a file.
EXPORT_ACTION = audit.register_action("audit.export", _l("Audit log exported"), "export")
PRUNE_ACTION = audit.register_action("audit.prune", _l("Old audit entries removed"), "admin")
