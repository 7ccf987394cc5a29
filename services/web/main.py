"""The web front (port 8080): the pages of Audisi, rendered on the server, and the APIs under one origin.

It has no database: every page calls the services' public APIs with the signed-in person's token.
"""

from __future__ import annotations

from services.web.app import create_app
from services.web.settings import WebSettings
from shared.logging import configure_logging
from shared.settings import load_settings

settings = load_settings(WebSettings)
configure_logging("web", level=settings.log_level, json=settings.log_json)
app = create_app(settings)
