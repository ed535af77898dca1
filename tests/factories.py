"""Factories for test data: each call makes a valid object with unique defaults, overridable by keyword."""
from __future__ import annotations

import itertools

from tracker.accounts.models import Department, Section, User
from tracker.accounts.passwords import hash_password
from tracker.wg.models import Member, Role, WorkingGroup

_counter = itertools.count(1)
_HASH_CACHE: dict[str, str] = {}


def _hashed(password: str) -> str:
    # Argon2 is slow on purpose; tests reuse one hash per password.
    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


class Factories:
    def __init__(self, db):
        self.db = db

    def _save(self, obj):
        self.db.session.add(obj)
        self.db.session.flush()
        return obj

    def department(self, **fields) -> Department:
        n = next(_counter)
        fields.setdefault("name", f"部{n}")
        return self._save(Department(**fields))

    def section(self, department: Department | None = None, **fields) -> Section:
        n = next(_counter)
        fields.setdefault("name", f"課{n}")
        return self._save(Section(department=department or self.department(), **fields))

    def user(self, password: str | None = None, org_roles=(), **fields) -> User:
        from tests.conftest import TEST_PASSWORD

        n = next(_counter)
        fields.setdefault("login", f"user{n}")
        fields.setdefault("name", f"職員 {n}")
        fields.setdefault("email", f"{fields['login']}@example.lg.jp")
        fields.setdefault("language", "ja")
        user = User(password_hash=_hashed(password or TEST_PASSWORD), **fields)
        user.set_org_roles(org_roles)
        return self._save(user)

    def admin(self, **fields) -> User:
        return self.user(is_admin=True, **fields)

    def role(self, name: str | None = None, permissions=("view_wg",), **fields) -> Role:
        """A role by name: the default roles (WG責任者, メンバー, オブザーバー) come from the migration."""
        from sqlalchemy import select

        if name is not None:
            existing = self.db.session.scalar(select(Role).where(Role.name == name))
            if existing is not None:
                return existing
        n = next(_counter)
        return self._save(Role(name=name or f"ロール{n}", permissions=list(permissions), **fields))

    def wg(self, members: dict | None = None, **fields) -> WorkingGroup:
        """A WG; ``members`` maps users to a role name or a list of role names."""
        n = next(_counter)
        fields.setdefault("identifier", f"wg-{n}")
        fields.setdefault("name", f"テストWG {n}")
        fields.setdefault("is_public", True)
        wg = self._save(WorkingGroup(**fields))
        for user, roles in (members or {}).items():
            self.member(wg, user, roles)
        return wg

    def member(self, wg: WorkingGroup, user: User, roles="メンバー") -> Member:
        names = [roles] if isinstance(roles, str) else list(roles)
        member = Member(wg=wg, user=user, roles=[self.role(name) for name in names])
        return self._save(member)

    # -- charter and lifecycle ------------------------------------------------------------------------

    def kpi(self, **fields):
        from datetime import date

        from tracker.kpi.models import Kpi

        n = next(_counter)
        fields.setdefault("name", f"KPI {n}")
        fields.setdefault("target_value", 90)
        fields.setdefault("target_fiscal_year", 2026)
        fields.setdefault("baseline_value", 0)
        fields.setdefault("baseline_date", date(2025, 4, 1))
        return self._save(Kpi(**fields))

    def charter(self, wg, phase="launch", complete=False, responsible=None, **fields):
        """The WG's charter; ``complete`` fills the 8 items (``responsible`` is the final responsible person)."""
        from datetime import date

        from tracker.charter.models import BudgetLine, CharterPerson, Milestone, SuccessCriterion
        from tracker.charter.services import charter_for

        charter = charter_for(wg)
        charter.phase = phase
        for key, value in fields.items():
            setattr(charter, key, value)
        if complete:
            charter.purpose = charter.purpose or "市民の利便性を向上させる。"
            charter.stakeholders = charter.stakeholders or "市民課、未来政策課"
            charter.nature = charter.nature or "未知（正解がない）の取り組み"
            leader, responsible = self.user(), responsible or self.user()
            charter.people = [CharterPerson(user=responsible, user_id=responsible.id, kind="responsible"),
                              CharterPerson(user=leader, user_id=leader.id, kind="leader", area="①普及促進")]
            charter.criteria = [SuccessCriterion(description="市民の90%がカードを保有", target="90%")]
            charter.milestones = [Milestone(title="交付円滑化計画の期限", due_date=date(2027, 3, 31))]
            charter.budget_lines = [BudgetLine(source="個人番号カード交付事務費補助金", amount=1000000)]
        self.db.session.flush()
        return charter

    # -- tickets -----------------------------------------------------------------------------------

    def tracker(self, name: str = "タスク"):
        from sqlalchemy import select

        from tracker.tickets.models import Tracker

        return self.db.session.scalar(select(Tracker).where(Tracker.name == name))

    def status(self, name: str = "新規"):
        from sqlalchemy import select

        from tracker.tickets.models import IssueStatus

        return self.db.session.scalar(select(IssueStatus).where(IssueStatus.name == name))

    def priority(self, name: str = "通常"):
        from sqlalchemy import select

        from tracker.tickets.models import IssuePriority

        return self.db.session.scalar(select(IssuePriority).where(IssuePriority.name == name))

    def ticket(self, wg: WorkingGroup | None = None, author: User | None = None, **fields):
        """A ticket written straight to the database (services are tested on their own)."""
        from tracker.tickets.models import Ticket

        n = next(_counter)
        author = author or self.user()
        wg = wg or self.wg(members={author: "メンバー"})
        fields.setdefault("subject", f"チケット {n}")
        tracker = fields.pop("tracker", None) or self.tracker()
        status = fields.pop("status", None) or self.status()
        priority = fields.pop("priority", None) or self.priority()
        fields.setdefault("description", "")
        ticket = Ticket(wg=wg, author=author, tracker=tracker, status=status, priority=priority, **fields)
        ticket = self._save(ticket)
        from tracker.tickets.services import reindex

        reindex(ticket)
        return ticket

    def custom_field(self, name: str | None = None, field_format: str = "list", trackers=None, **fields):
        from sqlalchemy import select

        from tracker.tickets.models import CustomField, Tracker

        n = next(_counter)
        fields.setdefault("is_for_all", True)
        field = CustomField(name=name or f"項目{n}", field_format=field_format, **fields)
        field.trackers = list(trackers) if trackers is not None else list(self.db.session.scalars(select(Tracker)))
        return self._save(field)

    def idea(self, author=None, **fields):
        """An idea-box post (提案 by default), made through the service so that it is journaled and indexed."""
        from tracker.ideas import services as idea_services

        n = next(_counter)
        fields.setdefault("kind", "idea")
        fields.setdefault("title", f"アイデア {n}")
        fields.setdefault("category", "work")
        extra = {k: fields.pop(k) for k in ("state", "answer_due", "answer") if k in fields}
        idea = idea_services.create_idea(author or self.user(), **fields)
        for key, value in extra.items():
            setattr(idea, key, value)
        self.db.session.flush()
        return idea

    # -- talent bank ---------------------------------------------------------------------------------

    def skill(self, name: str | None = None, **fields):
        from tracker.talent.models import Skill

        n = next(_counter)
        return self._save(Skill(name=name or f"スキル{n}", category=fields.pop("category", ""), synonyms=fields.pop("synonyms", ""), **fields))

    def profile(self, user: User | None = None, skills: dict | None = None, certifications=(), career=(), **fields):
        """A talent profile; ``skills`` maps Skill to a level or (level, can_help); ``career`` is
        (section name, start, end) tuples; visibility as e.g. ``skills_visibility="hr"``."""
        from tracker.talent import services
        from tracker.talent.models import Certification, CareerEntry, Profile, ProfileSkill, Visibility

        for key in [k for k in fields if k.endswith("_visibility")]:
            fields[key] = Visibility(fields[key])
        fields.setdefault("achievements", "")
        profile = self._save(Profile(user=user or self.user(), **fields))
        for skill, level in (skills or {}).items():
            level, can_help = level if isinstance(level, tuple) else (level, False)
            profile.skills.append(ProfileSkill(skill=skill, skill_id=skill.id, level=level, can_help=can_help))
        for name in certifications:
            profile.certifications.append(Certification(name=name))
        for section_name, start, end in career:
            profile.career.append(CareerEntry(section_name=section_name, started_on=start, ended_on=end))
        self.db.session.flush()
        services.reindex(profile)
        return profile

    def help_request(self, requester: User | None = None, needs: dict | None = None, **fields):
        """A help request; ``needs`` maps Skill to (min level, importance) or a min level."""
        from datetime import date

        from tracker.talent import services

        requester = requester or self.user(section=self.section())
        return services.save_request(
            requester, None, title=fields.get("title", "データ分析の応援"), description=fields.get("description", ""),
            time_share=fields.get("time_share", 10), starts_on=fields.get("starts_on", date(2026, 4, 1)),
            ends_on=fields.get("ends_on"), wg=fields.get("wg"),
            needs=[(s, v[0] if isinstance(v, tuple) else v, v[1] if isinstance(v, tuple) else 2) for s, v in (needs or {self.skill(): 3}).items()],
        )
    def notification(self, user: User, **fields):
        from tracker.notify.models import Notification

        n = next(_counter)
        fields.setdefault("kind", "ticket.updated")
        fields.setdefault("title", f"お知らせ {n}")
        fields.setdefault("url", f"/issues/{n}")
        return self._save(Notification(user_id=user.id, **fields))

    def outbox_message(self, user: User | None = None, **fields):
        from tracker.notify.models import OutboxMessage

        n = next(_counter)
        user = user or self.user()
        fields.setdefault("message_id", f"<test.{n}@example.lg.jp>")
        fields.setdefault("kind", "ticket.updated")
        fields.setdefault("subject", f"件名 {n}")
        fields.setdefault("body_text", f"本文 {n}")
        fields.setdefault("body_html", f"<p>本文 {n}</p>")
        return self._save(OutboxMessage(recipient_id=user.id, to_address=user.email, **fields))
