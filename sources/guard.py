"""Where a URL source may connect: the guard against server-side request forgery.

A URL source, and every redirect it follows, must resolve to public addresses:
loopback, private, link-local, multicast, reserved and other not globally
routable addresses are refused unless the source sets ``allow_private = true``.

The host is resolved here (``loop.getaddrinfo``), once per run, and the check
is made twice with the same answer: before each request, to refuse it with a
clear message, and when httpcore opens a connection, which goes to the
checked address itself, so that a DNS answer cannot change between the check
and the connection (DNS rebinding). The policy of the request being made is
passed to the connection through a context variable, which asyncio keeps per
task.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar

import httpcore

ALLOW_PRIVATE: ContextVar[bool] = ContextVar("nashra_allow_private", default=False)
"""Whether the request being made in this task may reach private addresses."""


class BlockedAddress(Exception):
    """A host resolves to an address a source may not reach."""

    def __init__(self, host: str, address: str, kind: str) -> None:
        super().__init__(f"{host} resolves to {address}, a {kind} address")
        self.host, self.address, self.kind = host, address, kind


def address_kind(address: str) -> str | None:
    """Why a source may not reach this address (``"private"``…), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def allowed(host: str, addresses: Iterable[str], allow_private: bool) -> list[str]:
    """The addresses that may be reached; raises BlockedAddress if any is refused.

    Every address of the host must be public: a host that resolves to a public
    and a private address is refused, since either could be used.
    """
    found = list(addresses)
    if not allow_private:
        for address in found:
            kind = address_kind(address)
            if kind is not None:
                raise BlockedAddress(host, address, kind)
    return found


DNS_TTL = 300.0
"""Seconds an answer is reused: a run resolves each host once, and a daemon that
runs for weeks still follows a host that moves."""


class Resolver:
    """Resolves host names with the event loop's resolver, reusing each answer for
    ``ttl`` seconds."""

    def __init__(self, ttl: float = DNS_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._cache: dict[str, tuple[float, list[str]]] = {}
        self._pending: dict[str, asyncio.Future[list[str]]] = {}
        self._ttl, self._clock = ttl, clock

    async def resolve(self, host: str) -> list[str]:
        """The IP addresses of a host (an IP literal is its own answer).

        Raises ``socket.gaierror`` (an OSError) when the name does not resolve.
        """
        cached = self._cache.get(host)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        pending = self._pending.get(host)
        if pending is not None:
            return await asyncio.shield(pending)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        self._pending[host] = future
        try:
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        except BaseException as exc:
            # the first asker was cancelled (its deadline passed): the others waiting on
            # this lookup get an ordinary error, not a cancellation that is not theirs
            shared = (
                OSError(f"the lookup of {host} was abandoned")
                if isinstance(exc, asyncio.CancelledError)
                else exc
            )
            future.set_exception(shared)
            future.exception()  # mark it retrieved: no warning when nobody else waits
            raise
        finally:
            del self._pending[host]
        self._cache[host] = (self._clock() + self._ttl, addresses)
        future.set_result(addresses)
        return addresses

    async def check(self, host: str, allow_private: bool) -> list[str]:
        """The addresses of a host that may be reached; raises BlockedAddress."""
        return allowed(host, await self.resolve(host), allow_private)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked addresses."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolver.check(host, ALLOW_PRIVATE.get())
        last: Exception | None = None
        for address in addresses:
            try:
                return _Stream(
                    await self._inner.connect_tcp(
                        address, port, timeout, local_address, socket_options
                    )
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None, "getaddrinfo returned no address"
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by nashra")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Stream(httpcore.AsyncNetworkStream):
    """A connection of the pool, as httpcore's own, but quicker to ask whether the
    server closed it.

    Before every request httpcore asks each idle connection of the pool whether
    it is readable (a server that closed it would have sent its end); its anyio
    stream rebuilds its table of socket attributes (a ``getpeername`` call among
    them) for each question, which cost a quarter of the event loop's time on
    304s. Here the socket is looked up once."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable":
            return readable(self._socket)
        if info == "socket":
            return self._socket
        return self._inner.get_extra_info(info)


def readable(sock: socket.socket | None) -> bool:
    """Whether reading the socket would not wait (data, or the server's end); a
    socket that is gone counts as readable (its next read says it ended)."""
    fileno = -1 if sock is None else sock.fileno()
    if fileno < 0:
        return True
    poll = select.poll()
    poll.register(fileno, select.POLLIN)
    return bool(poll.poll(0))
