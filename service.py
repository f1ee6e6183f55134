"""Flask entry point: `flask --app service run`, or any WSGI server with `service:create_app()`."""
from reviewer.web import create_app

__all__ = ["create_app"]
