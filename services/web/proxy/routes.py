"""The services' APIs under the web front's origin, for scripts: /submission/api/v1/... and so on.

The caller brings its own `Authorization` header; the browser's cookies are never forwarded, so a page
of another site cannot use a signed-in person's session through the proxy.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.web.backend import UNAVAILABLE
from services.web.pages import backend_of, language

SERVICES = ("submission", "judging", "implementation")
PROXIED_PREFIXES = tuple(f"/{name}/" for name in SERVICES)
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "cookie",
    "content-length",
    "proxy-authorization",
}

router = APIRouter(include_in_schema=False)


async def _forward(service: str, path: str, request: Request) -> Response:
    backend = backend_of(request)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
    client = request.client.host if request.client else ""
    headers["X-Forwarded-For"] = ", ".join(filter(None, (request.headers.get("x-forwarded-for"), client)))
    try:
        upstream = await backend.client.request(
            request.method,
            f"{backend.settings.api_url(service)}/{path}",
            params=list(request.query_params.multi_items()),
            headers=headers,
            content=await request.body(),
        )
    except Exception:
        lang = language(request)
        body = {"error": {"code": "service_unavailable", "message": UNAVAILABLE[lang], "details": {"service": service}}}
        return Response(content=json.dumps(body), status_code=503, media_type="application/json")
    kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_BY_HOP | {"content-encoding"}}
    return Response(content=upstream.content, status_code=upstream.status_code, headers=kept)


for _service in SERVICES:

    def _make(service: str) -> None:
        @router.api_route(
            f"/{service}/{{path:path}}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], name=f"proxy_{service}"
        )
        async def proxy(path: str, request: Request) -> Response:
            return await _forward(service, path, request)

    _make(_service)
