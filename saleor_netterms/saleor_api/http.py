"""One `requests.Session` per thread for every call to Saleor (connection pooling; sessions are
not guaranteed thread-safe, so each worker thread gets its own)."""
from __future__ import annotations

import threading

import requests

from saleor_netterms import __version__

_local = threading.local()
USER_AGENT = f"saleor-netterms/{__version__}"


def http_session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        _local.session = session
    return session
