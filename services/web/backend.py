"""Calls to the three services' public APIs, with the signed-in person's token and language."""

from __future__ import annotations

from typing import Any

import httpx

from services.web.settings import WebSettings


class ApiError(Exception):
    """An API answered with an error (in the project's error format), or could not be reached (status 503)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def field_errors(self) -> dict[str, str]:
        """Per-field messages of a validation error: {"title": "terlalu pendek", ...}."""
        errors: dict[str, str] = {}
        if isinstance(self.details, list):
            for item in self.details:
                if isinstance(item, dict) and item.get("field"):
                    errors.setdefault(str(item["field"]), str(item.get("message", "")))
        elif isinstance(self.details, dict):
            for key in ("missing", "fields"):
                values = self.details.get(key)
                if isinstance(values, list):
                    for field in values:
                        errors.setdefault(str(field), "")
        return errors

    def summary(self) -> str:
        """The message with the details about the whole input, not one field (a rubric's weights, a day's hours)."""
        whole = [
            str(item["message"])
            for item in (self.details if isinstance(self.details, list) else [])
            if isinstance(item, dict) and not item.get("field") and item.get("message")
        ]
        return f"{self.message}: {' '.join(whole)}" if whole else self.message


UNAVAILABLE = {
    "id": "Layanan sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
    "en": "The service cannot be reached right now. Please try again shortly.",
}


class Backend:
    """One HTTP client for the services, shared by every request of the web front."""

    def __init__(self, settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=settings.api_timeout_seconds, transport=transport)

    async def close(self) -> None:
        """Close the connections."""
        await self.client.aclose()

    async def request(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None,
        language: str,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One call; connection failures become ApiError 503."""
        sent = {"Accept-Language": language, **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            return await self.client.request(method, self.settings.api_url(service) + path, headers=sent, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(503, "service_unavailable", UNAVAILABLE.get(language, UNAVAILABLE["id"])) from exc

    async def json(
        self, service: str, method: str, path: str, *, token: str | None, language: str, **kwargs: Any
    ) -> Any:
        """One call whose success is JSON; an error answer raises ApiError."""
        response = await self.request(service, method, path, token=token, language=language, **kwargs)
        if response.status_code >= 400:
            raise error_of(response, language)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def stream(
        self, service: str, path: str, *, token: str | None, language: str, params: dict[str, Any]
    ) -> httpx.Response:
        """An open GET whose body is read as it comes (server-sent events); an error answer raises ApiError.

        The read timeout stays the API timeout: the stream sends a keep-alive line every poll, so silence that
        long means the service is gone."""
        sent = {"Accept-Language": language, "Accept": "text/event-stream"}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        outgoing = self.client.build_request("GET", self.settings.api_url(service) + path, headers=sent, params=params)
        try:
            response = await self.client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            raise ApiError(503, "service_unavailable", UNAVAILABLE.get(language, UNAVAILABLE["id"])) from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise error_of(response, language)
        return response


def error_of(response: httpx.Response, language: str) -> ApiError:
    """The ApiError of an error answer."""
    try:
        body = response.json()
        error = body["error"]
        return ApiError(response.status_code, str(error["code"]), str(error["message"]), error.get("details"))
    except (ValueError, KeyError, TypeError):
        if response.status_code >= 500:
            return ApiError(response.status_code, "service_unavailable", UNAVAILABLE.get(language, UNAVAILABLE["id"]))
        return ApiError(response.status_code, "error", response.text[:200])
