"""A WG's meetings and milestones as an iCalendar feed (the ``icalendar`` package writes RFC 5545).
``meeting_event`` and ``milestone_event`` are shared with the personal calendar (tracker.calendar.ical)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo


from tracker.core.exports import exported_list
from tracker.core.translation import lazy_gettext as _l

if TYPE_CHECKING:
    from icalendar import Event

WG_CALENDAR = exported_list("wg_calendar", _l("WG calendar exported"))


def meeting_event(m, wg_name: str, host: str, zone: ZoneInfo, now) -> Event:
    from icalendar import Event  # imported on use: a worker that never writes a feed does not load it

    event = Event()
    event.add("uid", f"meeting-{m.id}@{host}")
    event.add("summary", f"{m.title}（{wg_name}）")
    if m.starts_at:
        start = datetime.combine(m.held_on, m.starts_at, zone)
        event.add("dtstart", start)
        event.add("dtend", datetime.combine(m.held_on, m.ends_at, zone) if m.ends_at else start + timedelta(hours=1))
    else:
        event.add("dtstart", m.held_on)
    if m.location:
        event.add("location", m.location)
    if m.agenda:
        event.add("description", m.agenda)
    event.add("dtstamp", now)
    return event


def milestone_event(ms, wg_name: str, host: str, now) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"milestone-{ms.id}@{host}")
    event.add("summary", f"◆ {ms.title}（{wg_name}）")
    event.add("dtstart", ms.due_date)
    event.add("dtstamp", now)
    return event


def calendar(wg, meetings, milestones, host: str, tz: str, now) -> bytes:
    from icalendar import Calendar  # imported on use: a worker that never writes one does not load it
    zone = ZoneInfo(tz)
    cal = Calendar()
    cal.add("prodid", "-//WG Tracker//ja")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", wg.name)
    for m in meetings:
        cal.add_component(meeting_event(m, wg.name, host, zone, now))
    for ms in milestones:
        cal.add_component(milestone_event(ms, wg.name, host, now))
    return cal.to_ical()
