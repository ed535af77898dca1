"""Demo organisation and staff."""
from __future__ import annotations

from sqlalchemy import select

from tracker.accounts.demo_data import DEPARTMENTS, STAFF
from tracker.accounts.models import Department, Section, User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db


def load(ctx) -> None:
    sections: dict[str, Section] = {}
    for position, (department_name, section_names) in enumerate(DEPARTMENTS.items()):
        department = db.session.scalar(select(Department).where(Department.name == department_name))
        if department is None:
            department = Department(name=department_name, position=position)
            db.session.add(department)
            db.session.flush()
        for section_position, section_name in enumerate(section_names):
            section = db.session.scalar(
                select(Section).where(Section.department_id == department.id, Section.name == section_name)
            )
            if section is None:
                section = Section(department=department, name=section_name, position=section_position)
                db.session.add(section)
            sections[section_name] = section
    db.session.flush()

    password_hash = hash_password(ctx.password)
    users = {}
    for login, name, kana, section_name, title, roles, admin in STAFF:
        user = db.session.scalar(select(User).where(User.login == login))
        if user is None:
            user = User(
                login=login,
                name=name,
                name_kana=kana,
                email=f"{login}@city.example.lg.jp",
                section=sections[section_name],
                job_title=title,
                is_admin=admin,
                password_hash=password_hash,
            )
            db.session.add(user)
            user.set_org_roles(roles)
        users[login] = user
    db.session.flush()
    ctx.shared["sections"] = sections
    ctx.shared["users"] = users
    ctx.logins += [
        ("admin", "システム管理者 (administrator)"),
        ("dx", "DX推進担当 (DX office, idea-box moderator)"),
        ("hr", "人事課 (HR)"),
        ("honma", "市民課長 (final responsible person of the マイナンバーカード WG)"),
        ("izumi", "市民課 係長 (WG leader)"),
    ]
