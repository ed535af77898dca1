"""CSV import of tickets in Redmine's format (Redmine 5's "Import"): upload, settings, field mapping, run."""
