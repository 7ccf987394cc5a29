"""The web front (port 8080): the pages of Audisi, rendered on the server, and the APIs under one origin.

It has no database: every page calls the services' public APIs with the signed-in person's token.
"""

from __future__ import annotations

import logging

from services.web.app import create_app
from services.web.settings import WebSettings
from shared.logging import configure_logging
from shared.settings import load_settings

settings = load_settings(WebSettings)
configure_logging("web", level=settings.log_level, json=settings.log_json)
# httpx writes a line for every API call (a page makes several); each API logs the same request with its
# status and time (shared.http), so here the line only cost CPU. Its warnings and errors still show.
logging.getLogger("httpx").setLevel(logging.WARNING)
app = create_app(settings)
