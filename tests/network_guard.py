"""Tests reach only loopback: every outside service is a double (Saleor through tests/saleor_double,
ERPs and banks through loopback servers). A connection to any other address is refused *and* fails
the test that made it — the app catches connection errors (the outbox retries), so a refusal alone
would pass unnoticed, as it did when an invoice's message to Saleor went to shop.example.com.

(PostgreSQL is reached by libpq, not Python sockets; Chromium runs in its own process.)"""
from __future__ import annotations

import ipaddress
import socket

import pytest

_attempts: list[str] = []
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _outside(sock: socket.socket, address) -> str | None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple):
        return None
    host = str(address[0])
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return None if host == "localhost" else host
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return None if ip.is_loopback else host


def _guarded_connect(self, address):
    host = _outside(self, address)
    if host is not None:
        _attempts.append(f"{host}:{address[1]}")
        raise ConnectionRefusedError(f"tests reach only loopback; refused {host}:{address[1]}")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    host = _outside(self, address)
    if host is not None:
        _attempts.append(f"{host}:{address[1]}")
        return 111  # ECONNREFUSED
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and not _loopback_name(str(name)):
        _attempts.append(str(name))
        raise socket.gaierror(socket.EAI_NONAME, f"tests reach only loopback; refused to resolve {name}")
    return _getaddrinfo(host, *args, **kwargs)


def _loopback_name(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(name.strip("[]").split("%")[0])
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


socket.getaddrinfo = _guarded_getaddrinfo
socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex


@pytest.fixture(autouse=True)
def _only_loopback():
    _attempts.clear()
    yield
    if _attempts:
        tried = ", ".join(sorted(set(_attempts)))
        _attempts.clear()
        pytest.fail(f"the test tried to reach outside hosts ({tried}); use a loopback double", pytrace=False)
