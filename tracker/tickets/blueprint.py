"""The one blueprint of the ticket pages; the *_views modules add their routes to it."""
from flask import Blueprint

bp = Blueprint("tickets", __name__)
