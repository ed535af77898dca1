"""kpi feature."""
