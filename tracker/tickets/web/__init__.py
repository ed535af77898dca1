"""The ticket pages: one ticket (``issue_views``), lists, boards and exports (``list_views``), activity and feeds
(``activity_views``), search (``search_views``); their forms and presenters."""
