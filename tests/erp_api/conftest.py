"""ERP API fixtures: keys with scopes, and a client that sends them with an Idempotency-Key."""
from __future__ import annotations

import itertools
import json

import pytest

from saleor_netterms.erp.models import SCOPES
from saleor_netterms.erp.services import api_key_create, masters_set

_SEQ = itertools.count(1)


@pytest.fixture
def erp_key(credit_installation):
    """erp_key(scopes=SCOPES, installation=None, rate=None) → the raw key (ntk_…)."""
    def make(scopes=SCOPES, installation=None, rate=None, name="SAP S/4HANA"):
        _, raw = api_key_create(installation=installation or credit_installation, name=name, scopes=list(scopes),
                                actor="staff@shop.example", rate_limit_per_minute=rate)
        return raw
    return make


@pytest.fixture
def erp(client, erp_key):
    """erp(method, path, body=None, key=None, idem=<fresh>) → the response (json parsed on .data)."""
    default = {}

    def call(method: str, path: str, body=None, *, key: str | None = None, idem: str | None | bool = True,
             headers: dict | None = None):
        if key is None:
            if "key" not in default:  # one key for the test's calls (setdefault would create one per call)
                default["key"] = erp_key()
            key = default["key"]
        extra = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        if idem is True:
            idem = f"idem-{next(_SEQ)}"
        if idem and method in ("POST", "PUT"):
            extra["HTTP_IDEMPOTENCY_KEY"] = idem
        for k, v in (headers or {}).items():
            extra["HTTP_" + k.upper().replace("-", "_")] = v
        response = client.generic(method, f"/erp/v1{path}", json.dumps(body) if body is not None else "",
                                   content_type="application/json", **extra)
        response.data = json.loads(response.content) if response.content else None
        return response
    return call


@pytest.fixture
def erp_masters(credit_installation):
    def set_(**kw):
        return masters_set(installation=credit_installation, actor="staff@shop.example", **kw)
    return set_
