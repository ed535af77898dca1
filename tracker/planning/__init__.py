"""planning feature."""
