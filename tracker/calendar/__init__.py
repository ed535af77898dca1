"""The calendar: month and week views of tickets, 定例会, milestones and gate decisions; the personal iCalendar feed."""
