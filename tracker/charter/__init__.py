"""charter feature."""
