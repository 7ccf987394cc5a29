"""Token verification: Audisi's own tokens and an external OpenID Connect issuer's."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import Principal, Role, TokenService
from shared.errors import AppError
from shared.settings import ServiceSettings


@pytest.fixture
def settings() -> ServiceSettings:
    return ServiceSettings(environment="test", database_url="postgresql+psycopg://unused/none", jwt_secret="s" * 40)


def claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {
        "sub": str(uuid.uuid4()),
        "role": "judge",
        "agency": "DINKES",
        "name": "Juri",
        "iss": "audisi",
        "aud": "audisi",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    base.update(overrides)
    return base


def refused_reason(service: TokenService, token: str) -> str:
    with pytest.raises(AppError) as caught:
        service.verify(token)
    assert caught.value.status_code == 401
    return str(caught.value.details["reason"])


def test_issued_token_verifies_to_its_principal(settings: ServiceSettings) -> None:
    service = TokenService(settings)
    user_id = uuid.uuid4()
    token, lifetime = service.issue(
        user_id=user_id, role=Role.AGENCY, name="Petugas", email="a@b.go.id", agency_code="DINKES"
    )
    assert lifetime == settings.access_token_minutes * 60
    issued_at_ms = jwt.decode(token, options={"verify_signature": False})["iat_ms"]
    assert service.verify(token) == Principal(user_id, Role.AGENCY, "DINKES", "Petugas", "a@b.go.id", issued_at_ms)


def test_expired_token_refused(settings: ServiceSettings) -> None:
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode(claims(exp=past, iat=past - timedelta(minutes=5)), "s" * 40, algorithm="HS256")
    assert refused_reason(TokenService(settings), token) == "token expired"


def test_wrongly_signed_token_refused(settings: ServiceSettings) -> None:
    token = jwt.encode(claims(), "another-secret-of-enough-length-000000", algorithm="HS256")
    assert refused_reason(TokenService(settings), token) == "token rejected"


def test_wrong_audience_refused(settings: ServiceSettings) -> None:
    token = jwt.encode(claims(aud="someone-else"), "s" * 40, algorithm="HS256")
    assert refused_reason(TokenService(settings), token) == "token rejected"


def test_alg_none_refused(settings: ServiceSettings) -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    body = {k: (int(v.timestamp()) if isinstance(v, datetime) else v) for k, v in claims(role="admin").items()}
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=")
    token = f"{header.decode()}.{payload.decode()}."
    assert refused_reason(TokenService(settings), token) == "token rejected"


def test_role_claim_edited_by_client_refused(settings: ServiceSettings) -> None:
    service = TokenService(settings)
    token, _ = service.issue(user_id=uuid.uuid4(), role=Role.PARTICIPANT, name="P", email=None, agency_code=None)
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    assert refused_reason(service, f"{header}.{forged}.{signature}") == "token rejected"


def test_unknown_role_refused(settings: ServiceSettings) -> None:
    token = jwt.encode(claims(role="superuser"), "s" * 40, algorithm="HS256")
    assert refused_reason(TokenService(settings), token) == "token lacks a valid subject or role"


@pytest.fixture
def oidc_issuer() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    """A local OpenID Connect issuer serving its JWKS over HTTP."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "sso-1", "use": "sig", "alg": "RS256"})
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json", key
    server.shutdown()


def test_external_oidc_token_accepted_with_mapped_claims(
    oidc_issuer: tuple[str, rsa.RSAPrivateKey],
) -> None:
    url, key = oidc_issuer
    settings = ServiceSettings(
        environment="test",
        database_url="postgresql+psycopg://unused/none",
        oidc_issuer="https://sso.trenggalekkab.go.id",
        oidc_jwks_url=url,
        oidc_audience="audisi",
    )
    user_id = uuid.uuid4()
    token = jwt.encode(
        claims(
            sub=str(user_id),
            iss="https://sso.trenggalekkab.go.id",
            audisi_role="committee",
            audisi_agency="BKPSDM",
            role=None,
        ),
        key,
        algorithm="RS256",
        headers={"kid": "sso-1"},
    )
    principal = TokenService(settings).verify(token)
    assert (principal.user_id, principal.role, principal.agency_code) == (user_id, Role.COMMITTEE, "BKPSDM")


def test_external_issuer_token_signed_with_shared_secret_refused(
    oidc_issuer: tuple[str, rsa.RSAPrivateKey],
) -> None:
    url, _key = oidc_issuer
    settings = ServiceSettings(
        environment="test",
        database_url="postgresql+psycopg://unused/none",
        jwt_secret="s" * 40,
        oidc_issuer="https://sso.trenggalekkab.go.id",
        oidc_jwks_url=url,
    )
    token = jwt.encode(claims(iss="https://sso.trenggalekkab.go.id"), "s" * 40, algorithm="HS256")
    assert refused_reason(TokenService(settings), token) == "algorithm not allowed"


def test_production_refuses_development_secret() -> None:
    with pytest.raises(ValueError, match="JWT_SECRET"):
        ServiceSettings(environment="production", database_url="postgresql+psycopg://x/y")
