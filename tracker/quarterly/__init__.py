"""quarterly feature."""
