"""Where webhooks may go: https (outside development and tests) to hosts that resolve only to public addresses.

An agency officer registers the URL, so without this check a webhook could reach 127.0.0.1, the cloud
metadata service (169.254.169.254), `redis`, `flower` or any internal name, and the delivery list would tell
them what answered. The host is resolved and checked at registration and again at every delivery (a name's
addresses can change); at delivery the connection goes to the very address that was checked, so a name that
changes between the check and the connect (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from ipaddress import IPv4Network, IPv6Network
from urllib.parse import urlsplit

import httpcore
import httpx

from services.implementation.settings import ImplementationSettings

Networks = Sequence[IPv4Network | IPv6Network]
#: host, port -> the addresses the host resolves to.
Resolver = Callable[[str, int], list[str]]


class BlockedTargetError(Exception):
    """A webhook target that must not be contacted; `reason` is a code safe to show the agency."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def allowed_address(address: str, private_networks: Networks) -> bool:
    """Whether an address is public (globally routable, not multicast) or in an allowed private network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(ip.version == net.version and ip in net for net in private_networks):
        return True
    return ip.is_global and not ip.is_multicast


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def checked_addresses(host: str, port: int, private_networks: Networks, resolve: Resolver) -> list[str]:
    """The addresses to connect to for `host`; BlockedTargetError if it does not resolve or any address is private."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))] if _is_ip(host) else resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise BlockedTargetError("unresolvable_host") from exc
    if not addresses:
        raise BlockedTargetError("unresolvable_host")
    if not all(allowed_address(a, private_networks) for a in addresses):
        raise BlockedTargetError("private_address")
    return addresses


def check_url(url: str, settings: ImplementationSettings, resolve: Resolver = system_resolver) -> None:
    """Refuse (BlockedTargetError) a URL a webhook may not be sent to; a name that does not resolve yet passes
    (every delivery checks again)."""
    parts = urlsplit(url)
    if parts.scheme != "https" and (settings.webhook_require_https or parts.scheme != "http"):
        raise BlockedTargetError("https_required")
    if not parts.hostname:
        raise BlockedTargetError("unresolvable_host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        checked_addresses(parts.hostname, port, settings.webhook_private_networks, resolve)
    except BlockedTargetError as exc:
        if exc.reason != "unresolvable_host":
            raise


class _GuardedBackend(httpcore.SyncBackend):
    """Resolves the host itself, checks every address, and connects only to a checked one."""

    def __init__(self, private_networks: Networks, resolve: Resolver) -> None:
        self.private_networks = private_networks
        self.resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = checked_addresses(host, port, self.private_networks, self.resolve)
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last


def guarded_client(settings: ImplementationSettings, resolve: Resolver = system_resolver) -> httpx.Client:
    """An HTTP client for webhook deliveries: checked addresses only, a new connection (and check) for every
    delivery, no redirects, no proxies from the environment, TLS verified against the registered host name."""
    ssl_context = httpx.create_ssl_context()
    transport = httpx.HTTPTransport(verify=ssl_context)
    # httpx builds its connection pool without a way to pass a network backend; this pool is the same one
    # with ours (TLS still verifies the URL's host name: only the TCP connect is redirected).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_keepalive_connections=0,
        network_backend=_GuardedBackend(settings.webhook_private_networks, resolve),
    )
    return httpx.Client(
        transport=transport, timeout=settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
    )
