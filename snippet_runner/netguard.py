"""Refuse network connections to anything but loopback.

Snippets must never download anything. The runner installs this guard in every snippet process,
and (through ``sitecustomize``) in every Python subprocess a snippet starts, so an accidental
``download=True`` fails loudly instead of silently reaching the internet.
"""

from __future__ import annotations

import ipaddress
import socket

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class NetworkAccessDenied(ConnectionRefusedError):
    """Raised when a snippet tries to reach a non-loopback address."""


def is_loopback(host: object) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host in _LOOPBACK_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: object) -> None:
    # AF_UNIX addresses are paths (str/bytes) and never leave the machine.
    if isinstance(address, tuple) and address and not is_loopback(address[0]):
        raise NetworkAccessDenied(
            f"network access is disabled here (snippets run offline): refused connection to {address[0]!r}"
        )


def install() -> None:
    """Patch the socket module so only loopback connections and lookups succeed."""
    if getattr(socket, "_snippet_runner_guarded", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return original_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address)
        return original_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        # Resolving a public name is the first step of every download: refuse it early.
        if not is_loopback(host):
            raise NetworkAccessDenied(
                f"network access is disabled here (snippets run offline): refused lookup of {host!r}"
            )
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    socket._snippet_runner_guarded = True
