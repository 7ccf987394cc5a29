"""How large a request body the web front accepts: refused with 413 before a page or the proxy reads it.

A page's form carries text; only the routes below carry files, up to the services' own file limit. The
proxy's upload paths get the same bound, and the services check their own limits again behind it.
"""

from __future__ import annotations

from fastapi import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from services.web.pages import language, render
from services.web.settings import WebSettings
from shared.errors import Message
from shared.http import BodySizeLimit

#: The routes whose bodies carry files, as their routers name them (the proxy's under its prefix).
UPLOAD_ROUTES = (
    "/gagasan/{idea_id}/lampiran",
    "/opd/tiket/{ticket_id}/laporan",
    "/opd/tiket/{ticket_id}/laporan/{update_id}/bukti",
    "/panitia/peserta/impor",
    "/panitia/peserta/impor/jalankan",
    "/submission/api/v1/attachments",
    "/submission/api/v1/participants/import",
    "/implementation/api/v1/evidence",
)

TOO_LARGE = Message("Kiriman terlalu besar", "Too large to send")


class PageBodyLimit(BodySizeLimit):
    """The shared body limit with the web front's bounds, answered with a page (JSON on the API proxy)."""

    def __init__(self, app: ASGIApp, settings: WebSettings, proxied_prefixes: tuple[str, ...]) -> None:
        super().__init__(app, max_bytes=settings.max_form_bytes)
        self.upload_bytes = settings.max_upload_bytes
        self.uploads = [compile_path(route)[0] for route in UPLOAD_ROUTES]
        self.proxied_prefixes = proxied_prefixes

    def limit(self, scope: Scope) -> int:
        """An upload route's bound, or a form's."""
        path = scope["path"]
        return self.upload_bytes if any(route.match(path) for route in self.uploads) else self.max_bytes

    async def refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """413: the error page, or the APIs' error format for the scripts that call through the proxy."""
        if scope["path"].startswith(self.proxied_prefixes):
            await super().refuse(scope, receive, send, limit)
            return
        request = Request(scope, receive)
        lang = language(request)
        size = f"{limit // 1024 // 1024} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        message = Message(
            f"Yang Anda kirim melebihi batas {size}. Kirim berkas yang lebih kecil, atau satu per satu, "
            "lalu coba lagi.",
            f"What you sent is over the limit of {size}. Send a smaller file, or one at a time, and try again.",
        )
        response = render(
            request, "error.html", status_code=413, title=TOO_LARGE.in_language(lang), message=message.in_language(lang)
        )
        await response(scope, receive, send)
