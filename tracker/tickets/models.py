"""Tickets (Redmine's issues) and everything around them, named as Redmine names them so that the REST API
and the Redmine importer map one to one: trackers, issue statuses, enumerations (priorities, time entry
activities), categories, versions, custom fields and values, journals and details, relations, watchers,
attachments, time entries, workflow transitions and saved queries."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text,
)
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from tracker.core import policy
from tracker.core.db import TimestampMixin, UTCDateTime, utcnow
from tracker.extensions import db
from tracker.tickets import permissions as _permissions  # noqa: F401  (registers the ticket permissions)


class Tracker(db.Model):
    """タスク, 課題, 問い合わせ, 進捗報告 ..."""

    __tablename__ = "trackers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    default_status_id: Mapped[int | None] = mapped_column(ForeignKey("issue_statuses.id", ondelete="SET NULL"))
    is_in_roadmap: Mapped[bool] = mapped_column(Boolean, default=True)

    default_status: Mapped["IssueStatus | None"] = relationship()

    def __str__(self) -> str:
        return self.name


class IssueStatus(db.Model):
    __tablename__ = "issue_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    default_done_ratio: Mapped[int | None] = mapped_column(Integer)

    def __str__(self) -> str:
        return self.name


class Enumeration(db.Model):
    """Redmine's enumerations: priorities and time entry activities share one table, told apart by ``type``."""

    __tablename__ = "enumerations"
    __table_args__ = (UniqueConstraint("type", "name", name="uq_enumerations_type_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "Enumeration"}

    def __str__(self) -> str:
        return self.name


class IssuePriority(Enumeration):
    __mapper_args__ = {"polymorphic_identity": "IssuePriority"}


class TimeEntryActivity(Enumeration):
    __mapper_args__ = {"polymorphic_identity": "TimeEntryActivity"}


class IssueCategory(db.Model):
    __tablename__ = "issue_categories"
    __table_args__ = (UniqueConstraint("wg_id", "name", name="uq_issue_categories_wg_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __str__(self) -> str:
        return self.name


class Version(TimestampMixin, db.Model):
    """A milestone (Redmine's version / fixed_version)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("wg_id", "name", name="uq_versions_wg_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(255), default="")
    effective_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open / locked / closed

    def __str__(self) -> str:
        return self.name


def assignee_key(assigned_to_id: int | None, assigned_section_id: int | None) -> str:
    """Who a ticket is assigned to as one comparable value (``user:7``, ``section:3`` or empty): journals, board columns."""
    if assigned_to_id:
        return f"user:{assigned_to_id}"
    if assigned_section_id:
        return f"section:{assigned_section_id}"
    return ""


class Ticket(TimestampMixin, db.Model):
    """A ticket in a WG. ``created_at`` / ``updated_at`` are Redmine's created_on / updated_on."""

    __tablename__ = "tickets"
    __table_args__ = (
        # Covers the list's usual WHERE (visibility, status, tracker, assignee) and its count and totals, so
        # that counting 100,000 tickets reads the index only.
        Index("ix_tickets_list", "wg_id", "status_id", "tracker_id", "is_private", "priority_id", "updated_at",
              "assigned_to_id", "author_id", "estimated_hours"),
        Index("ix_tickets_updated_at", "updated_at"),
        # Due-date lists (期限切れ, 今週が期日) and the overdue counts: their count and totals read the index only.
        Index("ix_tickets_due_date", "due_date", "status_id", "wg_id", "is_private", "author_id", "assigned_to_id",
              "estimated_hours"),
        # Redmine's "priority, then last update": read backwards, one priority after another (ticket_query).
        Index("ix_tickets_priority_updated", "priority_id", "updated_at", "id"),
        # Private tickets seen as their author or assignee: the part of a count the counters leave (counts.py).
        Index("ix_tickets_private_author", "author_id", postgresql_where=text("is_private = true"),
              sqlite_where=text("is_private = 1")),
        Index("ix_tickets_private_assignee", "assigned_to_id", postgresql_where=text("is_private = true"),
              sqlite_where=text("is_private = 1")),
        # A WG's tickets by update and by due date (a meeting's agenda suggestions; with the status, the portfolio's
        # overdue counts from the index alone), tickets by creation (activity). Migration 0290.
        Index("ix_tickets_wg_updated", "wg_id", "updated_at"),
        Index("ix_tickets_wg_due", "wg_id", "due_date", "status_id"),
        Index("ix_tickets_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("trackers.id", ondelete="RESTRICT"), index=True)
    status_id: Mapped[int] = mapped_column(ForeignKey("issue_statuses.id", ondelete="RESTRICT"), index=True)
    priority_id: Mapped[int] = mapped_column(ForeignKey("enumerations.id", ondelete="RESTRICT"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The assignee is a user or a section (課), never both; Redmine assigns to users or groups alike.
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assigned_section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("issue_categories.id", ondelete="SET NULL"), index=True)
    fixed_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="SET NULL"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    estimated_hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    done_ratio: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="RESTRICT"), index=True)
    is_private: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    closed_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(Integer, default=0)

    __mapper_args__ = {"version_id_col": lock_version}

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
    tracker: Mapped[Tracker] = relationship()
    status: Mapped[IssueStatus] = relationship()
    priority: Mapped[IssuePriority] = relationship()
    author: Mapped["User"] = relationship(foreign_keys=[author_id])  # noqa: F821
    assigned_to: Mapped["User | None"] = relationship(foreign_keys=[assigned_to_id])  # noqa: F821
    assigned_section: Mapped["Section | None"] = relationship()  # noqa: F821
    category: Mapped[IssueCategory | None] = relationship()
    fixed_version: Mapped[Version | None] = relationship()
    parent: Mapped["Ticket | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Ticket"]] = relationship(back_populates="parent", order_by="Ticket.id")
    journals: Mapped[list["Journal"]] = relationship(
        back_populates="ticket", order_by="Journal.id", cascade="all, delete-orphan", passive_deletes=True
    )
    custom_values: Mapped[list["CustomValue"]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan", passive_deletes=True, order_by="CustomValue.id"
    )
    watchers: Mapped[list["Watcher"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="ticket", order_by="Attachment.id", cascade="all, delete-orphan", passive_deletes=True
    )

    def __str__(self) -> str:
        return f"#{self.id} {self.subject}"

    # The objects a ticket names, shown wherever the ticket is (lists, its page, the API).
    REFERENCES = ("tracker", "status", "priority", "wg", "author", "assigned_to", "assigned_section", "category",
                  "fixed_version")

    @classmethod
    def with_references(cls) -> list:
        """Loader options: the named objects joined into the statement that reads the tickets. One round trip
        instead of one per kind: on PostgreSQL each round trip costs more than the joined columns."""
        return [joinedload(getattr(cls, name)) for name in cls.REFERENCES]

    @property
    def assignee(self):
        return self.assigned_to or self.assigned_section

    @property
    def assignee_key(self) -> str:
        return assignee_key(self.assigned_to_id, self.assigned_section_id)

    @property
    def is_closed(self) -> bool:
        return bool(self.status and self.status.is_closed)

    @property
    def url(self) -> str:
        return f"/issues/{self.id}"

    # -- permissions: thin delegates to the one ticket policy (tracker.tickets.policy) ------------------

    def visible_to(self, user) -> bool:
        return policy.can(user, "view", self)

    def editable_by(self, user) -> bool:
        return policy.can(user, "edit", self)

    def notable_by(self, user) -> bool:
        return policy.can(user, "add_notes", self)

    @classmethod
    def visible(cls, user):
        """SQL condition for the tickets ``user`` may see (TicketPolicy.visible)."""
        return policy.visible(cls, user)


class Journal(db.Model):
    """One change of a ticket: who, when, notes, and the field-level details."""

    __tablename__ = "journals"
    __table_args__ = (Index("ix_journals_ticket_id_id", "ticket_id", "id"), Index("ix_journals_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    private_notes: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="journals")
    user: Mapped["User"] = relationship()  # noqa: F821
    details: Mapped[list["JournalDetail"]] = relationship(
        back_populates="journal", cascade="all, delete-orphan", passive_deletes=True, order_by="JournalDetail.id",
        lazy="selectin",
    )


class JournalDetail(db.Model):
    """``property`` is attr (a ticket column), cf (a custom field id), attachment or relation."""

    __tablename__ = "journal_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("journals.id", ondelete="CASCADE"), index=True)
    property: Mapped[str] = mapped_column(String(30))
    prop_key: Mapped[str] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)

    journal: Mapped[Journal] = relationship(back_populates="details")


class TicketRelation(db.Model):
    """relates, duplicates/duplicated, blocks/blocked, precedes/follows (with ``delay`` days), copied_to."""

    __tablename__ = "issue_relations"
    __table_args__ = (UniqueConstraint("issue_from_id", "issue_to_id", name="uq_issue_relations_from_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_from_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    issue_to_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    relation_type: Mapped[str] = mapped_column(String(20))
    delay: Mapped[int | None] = mapped_column(Integer)

    issue_from: Mapped[Ticket] = relationship(foreign_keys=[issue_from_id])
    issue_to: Mapped[Ticket] = relationship(foreign_keys=[issue_to_id])


class Watcher(db.Model):
    __tablename__ = "watchers"
    __table_args__ = (UniqueConstraint("ticket_id", "user_id", name="uq_watchers_ticket_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped["User"] = relationship()  # noqa: F821


class Attachment(db.Model):
    """A file stored on disk under UPLOAD_DIR (``disk_directory/disk_filename``), never in the database."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    disk_directory: Mapped[str] = mapped_column(String(255), default="")
    disk_filename: Mapped[str] = mapped_column(String(255))
    filesize: Mapped[int] = mapped_column(Integer, default=0)
    content_type: Mapped[str] = mapped_column(String(255), default="application/octet-stream")
    digest: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(String(255), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket | None] = relationship(back_populates="attachments")
    author: Mapped["User"] = relationship()  # noqa: F821


class CustomField(db.Model):
    """A custom field for tickets. Formats: string, text, int, float, date, bool, list, user; ``multiple``
    makes a list (or user) field multi-select. ``is_for_all`` enables it in every WG; otherwise in
    ``wgs``. It applies to the trackers in ``trackers``."""

    __tablename__ = "custom_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    field_format: Mapped[str] = mapped_column(String(20), default="string")
    possible_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    is_required: Mapped[bool] = mapped_column(Boolean, default=False)
    is_for_all: Mapped[bool] = mapped_column(Boolean, default=False)
    is_filter: Mapped[bool] = mapped_column(Boolean, default=True)
    searchable: Mapped[bool] = mapped_column(Boolean, default=False)
    default_value: Mapped[str] = mapped_column(String(255), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    trackers: Mapped[list[Tracker]] = relationship(secondary="custom_fields_trackers", order_by=Tracker.position)
    wgs: Mapped[list["WorkingGroup"]] = relationship(secondary="custom_fields_wgs")  # noqa: F821

    def __str__(self) -> str:
        return self.name


class CustomFieldTracker(db.Model):
    __tablename__ = "custom_fields_trackers"

    custom_field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"), primary_key=True)


class CustomFieldWG(db.Model):
    __tablename__ = "custom_fields_wgs"

    custom_field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True)


class CustomValue(db.Model):
    """One value of a custom field on a ticket; a multi-select field has one row per chosen value."""

    __tablename__ = "custom_values"
    __table_args__ = (Index("ix_custom_values_field_value", "custom_field_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    custom_field_id: Mapped[int] = mapped_column(ForeignKey("custom_fields.id", ondelete="CASCADE"))
    value: Mapped[str | None] = mapped_column(String(1000))

    ticket: Mapped[Ticket] = relationship(back_populates="custom_values")
    custom_field: Mapped[CustomField] = relationship()


class WorkflowTransition(db.Model):
    """A status change that members with ``role`` may make on tickets of ``tracker``."""

    __tablename__ = "workflows"
    __table_args__ = (
        UniqueConstraint("role_id", "tracker_id", "old_status_id", "new_status_id", name="uq_workflows_transition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    tracker_id: Mapped[int] = mapped_column(ForeignKey("trackers.id", ondelete="CASCADE"), index=True)
    old_status_id: Mapped[int] = mapped_column(ForeignKey("issue_statuses.id", ondelete="CASCADE"))
    new_status_id: Mapped[int] = mapped_column(ForeignKey("issue_statuses.id", ondelete="CASCADE"))


class TimeEntry(TimestampMixin, db.Model):
    __tablename__ = "time_entries"
    __table_args__ = (
        Index("ix_time_entries_user_spent_on", "user_id", "spent_on"),
        # The spent time list, newest first, organisation-wide and per WG (migration 0290).
        Index("ix_time_entries_spent_on_id", "spent_on", "id"),
        Index("ix_time_entries_wg_spent_on", "wg_id", "spent_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wg_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("enumerations.id", ondelete="RESTRICT"))
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    comments: Mapped[str] = mapped_column(String(1024), default="")
    spent_on: Mapped[date] = mapped_column(Date)

    wg: Mapped["WorkingGroup"] = relationship()  # noqa: F821
    ticket: Mapped[Ticket | None] = relationship()
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    activity: Mapped[TimeEntryActivity] = relationship()

    @classmethod
    def visible(cls, user):
        """SQL condition for the time entries ``user`` may see (TimeEntryPolicy.visible)."""
        return policy.visible(cls, user)


class SavedQuery(TimestampMixin, db.Model):
    """A saved ticket list (Redmine's queries): private to its owner, or public to a WG (or to all)."""

    __tablename__ = "queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    wg_id: Mapped[int | None] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"), index=True)
    visibility: Mapped[str] = mapped_column(String(10), default="private")  # private / public
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # the list URL's query parameters

    wg: Mapped["WorkingGroup | None"] = relationship()  # noqa: F821

    @classmethod
    def visible(cls, user, wg=None):
        """The saved queries ``user`` may see (SavedQueryPolicy.visible); with ``wg``, those for all WGs or ``wg``."""
        condition = policy.visible(cls, user)
        if wg is not None:
            condition = condition & (cls.wg_id.is_(None) | (cls.wg_id == wg.id))
        return condition


class FeedKey(db.Model):
    """The per-user key for Atom feeds (Redmine's RSS access key), so feed readers need no session.

    The key itself is not stored: it is an HMAC of ``salt`` under the secret key (so the pages can show it
    again without writing), and ``key_digest`` finds it by index, as for API keys. Someone who reads the
    database learns neither. A row without salt holds a key digested by migration 0120: it keeps working
    for the feed readers that have it, and the owner makes a new one to see it again."""

    __tablename__ = "feed_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


from tracker.tickets import policy as _policy  # noqa: E402,F401  (registers the ticket policies)
