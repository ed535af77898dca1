"""Import of profiles and career history from the CSV an HR system exports: one row per posting
(職員番号, 氏名, 所属, 開始日, 終了日), optionally with skills ("データ分析:4;RPA:3") and certifications
("ITパスポート@2020-04-01;統計検定2級"). UTF-8 (with or without BOM) or Shift_JIS (cp932).

Every row is checked first; errors are reported per row. The user chooses: import the valid rows, or
nothing at all when any row is wrong."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from tracker.core.translation import gettext as _
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.core import history
from tracker.extensions import db
from tracker.talent import services
from tracker.talent.models import Certification, Profile

HEADERS = {
    "staff_number": ("職員番号", "staff_number", "staff number"),
    "name": ("氏名", "name"),
    "section": ("所属", "section"),
    "started_on": ("開始日", "開始", "started_on", "from"),
    "ended_on": ("終了日", "終了", "ended_on", "until"),
    "skills": ("スキル", "skills"),
    "certifications": ("資格", "certifications"),
}
REQUIRED = ("staff_number", "name")


@dataclass
class Row:
    line: int
    user: User | None = None
    staff_number: str = ""
    section: str = ""
    started_on: date | None = None
    ended_on: date | None = None
    skills: list = field(default_factory=list)  # (Skill, level)
    certifications: list = field(default_factory=list)  # (name, date | None)
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    rows: list[Row]
    imported: int = 0
    header_errors: list[str] = field(default_factory=list)

    @property
    def invalid(self) -> list[Row]:
        return [r for r in self.rows if r.errors]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError


ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}  # era year 1 = base + 1
_DATE = re.compile(r"^(?:(令和|平成|昭和|R|H|S)\s*(元|\d{1,2})|(\d{4}))\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")


def parse_date(value: str) -> date | None:
    """2020-04-01, 2020/4/1, 2020年4月1日 and the Japanese era forms HR systems export (令和2年4月1日, R2.4.1,
    平成31年3月31日). Raises ValueError for anything else."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    if not text:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValueError(value)
    era, era_year, year, month, day_ = match.groups()
    if era:
        year = ERAS[era] + (1 if era_year == "元" else int(era_year))
    return date(int(year), int(month), int(day_))


def _date(value: str, row: Row, label: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        row.errors.append(_("%(label)s: “%(value)s” is not a date (YYYY-MM-DD).", label=label, value=value.strip()))
        return None


def _squash(name: str) -> str:
    return "".join((name or "").split())


def parse(data: bytes) -> Report:
    try:
        text = _decode(data)
    except ValueError:
        return Report([], header_errors=[_("The file is neither UTF-8 nor Shift_JIS text.")])
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None) or []
    except csv.Error:
        return Report([], header_errors=[_("The header line cannot be read as CSV.")])
    columns = {}
    for index, title in enumerate(header):
        for key, names in HEADERS.items():
            if title.strip().lower() in names:
                columns[key] = index
    missing = [HEADERS[k][0] for k in REQUIRED if k not in columns]
    if missing:
        return Report([], header_errors=[_("Missing columns: %(columns)s", columns=", ".join(missing))])
    users_by_number: dict[str, User] = {}
    users_by_name: dict[str, list[User]] = {}
    for user in db.session.scalars(select(User).where(User.active.is_(True))):
        users_by_name.setdefault(_squash(user.name), []).append(user)
    rows = []
    for line, values in _records(reader, rows):
        if not any(v.strip() for v in values):
            continue
        get = lambda key: values[columns[key]].strip() if key in columns and columns[key] < len(values) else ""  # noqa: E731
        row = Row(line=line, staff_number=get("staff_number"), section=get("section"))
        _check_person(row, get("name"), users_by_number, users_by_name)
        before = len(row.errors)
        row.started_on = _date(get("started_on"), row, _("Start"))
        row.ended_on = _date(get("ended_on"), row, _("End"))
        dates_readable = len(row.errors) == before
        if row.section or row.started_on or row.ended_on:
            if not row.section:
                row.errors.append(_("The section is required when a period is given."))
            elif dates_readable:
                row.errors += services.check_period(row.started_on, row.ended_on)
        for item in filter(None, (s.strip() for s in get("skills").replace("；", ";").split(";"))):
            name, _sep, level = item.replace("：", ":").partition(":")
            skill = services.resolve_skill(name)
            if skill is None:
                row.errors.append(_("Unknown skill: %(name)s", name=name.strip()))
            elif not level.strip().isdigit() or not 1 <= int(level) <= 5:
                row.errors.append(_("%(skill)s: the level must be between 1 and 5.", skill=name.strip()))
            else:
                row.skills.append((skill, int(level)))
        for item in filter(None, (s.strip() for s in get("certifications").replace("；", ";").split(";"))):
            name, _sep, when = item.partition("@")
            row.certifications.append((name.strip(), _date(when, row, name.strip())))
        rows.append(row)
    return Report(rows)


def _records(reader, rows: list):
    """(line, values) for each record; a record csv cannot read (a field beyond csv.field_size_limit, a
    stray NUL) becomes an error on its own row, and reading goes on with the next one."""
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            rows.append(Row(line=line, errors=[_("Line %(line)s cannot be read: a field is too long or not valid CSV.", line=line)]))
            continue
        yield line, values


def _check_person(row: Row, name: str, users_by_number: dict, users_by_name: dict) -> None:
    if not row.staff_number:
        row.errors.append(_("The staff number is required."))
        return
    user = users_by_number.get(row.staff_number)
    if user is None:
        profile = db.session.scalar(select(Profile).where(Profile.staff_number == row.staff_number))
        if profile is not None:
            user = profile.user
        else:
            named = users_by_name.get(_squash(name), [])
            if len(named) != 1:
                row.errors.append(_("No single member of staff with staff number %(number)s or name %(name)s.", number=row.staff_number, name=name))
                return
            user = named[0]
            taken = db.session.scalar(select(Profile).where(Profile.user_id == user.id, Profile.staff_number.is_not(None)))
            if taken is not None:
                row.errors.append(_("%(name)s already has the staff number %(number)s.", name=name, number=taken.staff_number))
                return
    if name and _squash(user.name) != _squash(name):
        row.errors.append(_("Staff number %(number)s belongs to %(name)s.", number=row.staff_number, name=user.name))
        return
    users_by_number[row.staff_number] = user
    row.user = user


def run(data: bytes, all_or_nothing: bool, actor=None) -> Report:
    """Check every row, then write the valid ones (or none when ``all_or_nothing`` and any row is wrong). Each
    change of a profile is journaled as ``actor`` (the HR member importing)."""
    report = parse(data)
    if report.header_errors or (all_or_nothing and report.invalid):
        return report
    touched = {}
    for row in report.rows:
        if row.errors:
            continue
        profile = services.profile_for(row.user)
        with history.recording(actor, profile):
            profile.staff_number = row.staff_number
            for name, when in row.certifications:
                if not any(c.name == name for c in profile.certifications):
                    profile.certifications.append(Certification(name=name, acquired_on=when))
        if row.section and not any(c.section_name == row.section and c.started_on == row.started_on for c in profile.career):
            services.add_career(actor, profile, row.section, row.started_on, row.ended_on, reindex_now=False)
        for skill, level in row.skills:
            existing = next((s for s in profile.skills if s.skill_id == skill.id), None)
            services.set_skill(actor, profile, skill, level, existing.can_help if existing else False,
                               existing.want_to_learn if existing else False)
        touched[profile.id] = profile
        report.imported += 1
    db.session.flush()
    for profile in touched.values():
        services.reindex(profile)
    return report
