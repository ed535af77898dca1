"""The audit log's reader side: search, CSV export and retention of ``tracker.core.audit`` entries.

The table, its writer and its append-only guard are shared mechanisms in ``tracker/core/audit.py``; this
package is who may read it (auditors and administrators), how it is searched, and how old entries go.
"""
