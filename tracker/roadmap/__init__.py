"""The roadmap: per milestone (version), its progress (closed against total tickets, estimated against spent
hours), its burndown (remaining open tickets or hours per day against the ideal line, from the journals'
status history) and its tickets grouped by tracker; late milestones flagged."""
