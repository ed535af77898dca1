"""Operations on departments (部) and sections (課)."""
from __future__ import annotations

from tracker.core.translation import gettext as _
from sqlalchemy import select

from tracker.accounts.models import Department, Section
from tracker.accounts.services import AccountError
from tracker.core.memo import per_request
from tracker.extensions import db


def all_sections() -> list[Section]:
    return per_request(("all_sections",), lambda: list(
        db.session.scalars(
            select(Section).join(Department).order_by(Department.position, Department.name, Section.position, Section.name)
        )
    ))


def section_choices(blank_label: str | None = None) -> list[tuple[int, str]]:
    choices = [(0, blank_label)] if blank_label is not None else []
    return choices + [(s.id, f"{s.department.name} / {s.name}") for s in all_sections()]


def save_department(department: Department | None, name: str, position: int | None) -> Department:
    name = (name or "").strip()
    clash = db.session.scalar(select(Department).where(Department.name == name))
    if clash is not None and clash is not department:
        raise AccountError([_("A department named %(name)s already exists.", name=name)])
    department = department or Department()
    department.name = name
    department.position = position or 0
    db.session.add(department)
    return department


def save_section(section: Section | None, department_id: int, name: str, position: int | None) -> Section:
    name = (name or "").strip()
    if db.session.get(Department, department_id) is None:
        raise AccountError([_("Choose a department.")])
    clash = db.session.scalar(select(Section).where(Section.department_id == department_id, Section.name == name))
    if clash is not None and clash is not section:
        raise AccountError([_("This department already has a section named %(name)s.", name=name)])
    section = section or Section()
    section.department_id = department_id
    section.name = name
    section.position = position or 0
    db.session.add(section)
    return section


def delete_section(section: Section) -> None:
    """Delete a section; its staff keep their accounts, without a section (and the WGs that named it as a
    stakeholder or hand-over lose that mention)."""
    db.session.delete(section)
    db.session.flush()
