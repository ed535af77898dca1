"""The personal calendar as an iCalendar feed for Outlook: the due dates of the user's open tickets and the
meetings, milestones and gate decisions of their WGs, from two months back to a year ahead."""
from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.calendar.events import Span, build_calendar
from tracker.core.exports import exported_list
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.meetings.ical import meeting_event, milestone_event

if TYPE_CHECKING:
    from icalendar import Event as ICalEvent

PERSONAL_CALENDAR = exported_list("personal_calendar", _l("Personal calendar exported"))
DAYS_BEFORE, DAYS_AFTER = 60, 366


def feed_span(today) -> Span:
    return Span("feed", today, today - timedelta(days=DAYS_BEFORE), today + timedelta(days=DAYS_AFTER))


def _all_day(uid: str, day, summary: str, url: str, now) -> ICalEvent:
    from icalendar import Event as ICalEvent  # imported on use, as in tracker.meetings.ical

    event = ICalEvent()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("url", url)
    event.add("dtstamp", now)
    return event


def personal_calendar(user, query, today, base_url: str, host: str, tz: str, now) -> tuple[bytes, int]:
    """The feed's body and how many events it holds."""
    zone = ZoneInfo(tz)
    calendar = build_calendar(user, query, feed_span(today), None)
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//WG Tracker//ja")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("WG Tracker: %(name)s", name=user.name))
    count = 0
    for event in calendar.all_events:
        wg_name = event.wg.name if event.wg else ""
        if event.kind == "due":
            item = _all_day(f"ticket-due-{event.ticket.id}@{host}", event.day, f"{event.title}（{wg_name}）",
                            base_url + event.url, now)
        elif event.kind == "meeting":
            item = meeting_event(event.source, wg_name, host, zone, now)
        elif event.kind == "milestone":
            item = milestone_event(event.source, wg_name, host, now)
        elif event.kind == "version":
            item = _all_day(f"version-{event.source.id}@{host}", event.day, f"◆ {event.title}（{wg_name}）",
                            base_url + event.url, now)
        elif event.kind == "gate":
            item = _all_day(f"gate-{event.source.id}@{host}", event.day, f"{event.title}（{wg_name}）",
                            base_url + event.url, now)
        else:
            continue  # start dates: a due date is what a diary needs
        cal.add_component(item)
        count += 1
    return cal.to_ical(), count
