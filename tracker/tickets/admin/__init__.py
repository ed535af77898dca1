"""The admin vocabulary of tickets: trackers, statuses, workflow, priorities and activities, custom fields
(``services`` changes them, ``views`` are the admin pages)."""
