"""risks feature."""
