"""Where an authorization's app CPU goes, in process: the WSGI application called directly.

    .venv/bin/python bench/checkout_profile.py [--requests 300] [--profile] [--top 40]

Seeds a fresh database `netterms_profile_<pid>` with bench/checkout.py's own seed (the full
credit policy, `--companies` companies, a small history), signs the same deliveries, and calls
`saleor_netterms.wsgi.application` with a WSGI environ per delivery — Django's request path,
middleware, the webhook pipeline, the checkout and its SQL, without gunicorn and sockets.
Prints the CPU (`time.process_time`) per request of verify-only, floor, authorization, gateway
preview and process session, each after a warm-up, and with `--profile` a cProfile of the
authorizations (sorted by own time and by cumulative time). The database is dropped at the end.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import checkout as bench  # noqa: E402  (bench/checkout.py)
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402


def environ_for(delivery) -> dict:
    import io as _io

    env = {"REQUEST_METHOD": "POST", "PATH_INFO": delivery.path, "SCRIPT_NAME": "", "QUERY_STRING": "",
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": _io.BytesIO(delivery.body),
           "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": False,
           "wsgi.multiprocess": True, "wsgi.run_once": False,
           "CONTENT_LENGTH": str(len(delivery.body)), "CONTENT_TYPE": "application/json",
           "HTTP_HOST": "127.0.0.1:8000"}
    for name, value in {**bench.SESSION_HEADERS, **delivery.headers}.items():
        if name == "Content-Type":
            continue
        env["HTTP_" + name.upper().replace("-", "_")] = value
    return env


def call(application, delivery) -> bytes:
    status = {}

    def start_response(s, headers, exc_info=None):
        status["s"] = s

    body = b"".join(application(environ_for(delivery), start_response))
    if not status["s"].startswith("200"):
        raise RuntimeError(f"{delivery.path}: {status['s']} {body[:300]!r}")
    return body


def cpu_per_request(application, deliveries) -> tuple[float, float]:
    times, walls = [], []
    for delivery in deliveries:
        t0, w0 = time.process_time(), time.perf_counter()
        call(application, delivery)
        times.append((time.process_time() - t0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    return statistics.median(times), statistics.median(walls)


# Inclusive CPU of the steps of one authorization (file suffix, function name).
STEPS = [
    ("django/core/handlers/wsgi.py", "__call__", "WSGI request in total"),
    ("saleor_webhooks/views.py", "webhook_view", "  the view"),
    ("saleor_webhooks/services.py", "webhook_received", "    delivery as stored (headers, sha256)"),
    ("installations/selectors.py", "installation_read", "    installation (cached)"),
    ("saleor_webhooks/verification.py", "installation_signature_verify", "    JWS verify"),
    ("core/inbound.py", "json_read", "    JSON parse"),
    ("saleor_webhooks/verification.py", "webhook_verify", "    verify in total (headers, JWS, JSON, recipient)"),
    ("transaction_initialize_session.py", "_request", "    request parsed (twice: prepare, handle)"),
    ("companies/selectors.py", "member_resolution", "    member lookup (+ replay check)"),
    ("decisions/services.py", "policy_in_force", "    policy in force"),
    ("decisions/services.py", "underwriting_before_lock", "    underwriting before the lock"),
    ("checkout/services.py", "checkout_authorize_prepare", "    prepare in total"),
    ("checkout/selectors.py", "credit_reads_query", "    locked read built"),
    ("companies/services.py", "company_lock", "    company lock"),
    ("checkout/selectors.py", "read", "    locked read run"),
    ("checkout/selectors.py", "credit_snapshot", "    snapshot"),
    ("decisions/services.py", "decision_take", "    decision (engine + record built)"),
    ("decisions/engine.py", "decide", "      engine"),
    ("checkout/services.py", "_reasons_stored", "    reasons stored"),
    ("checkout/services.py", "_transaction_create", "    transaction built"),
    ("ledger/services.py", "hold_place_with", "    the write (decision, audit, tx, hold)"),
    ("checkout/services.py", "checkout_authorize", "    checkout_authorize in total"),
    ("saleor_webhooks/handlers/_responses.py", "authorization_answer", "    answer built"),
    ("saleor_webhooks/services.py", "_run_handler", "    handler in total"),
    ("django/db/backends/base/base.py", "commit", "    COMMIT"),
    ("saleor_webhooks/services.py", "webhook_dispatch", "    dispatch in total"),
    ("django/db/models/sql/compiler.py", "as_sql", "  (ORM SQL compiling, anywhere)"),
    ("django/db/backends/utils.py", "execute", "  (cursor.execute, anywhere)"),
    ("django/db/models/base.py", "__init__", "  (model instances built)"),
    ("logging/__init__.py", "info", "  (logger.info)"),
]


def breakdown(profiler, requests: int) -> None:
    stats = pstats.Stats(profiler).stats
    print("inclusive CPU per authorization (cProfile, its overhead included):")
    for suffix, name, label in STEPS:
        total = sum(v[3] for (f, _, fn), v in stats.items() if f.endswith(suffix) and fn == name)
        calls = sum(v[1] for (f, _, fn), v in stats.items() if f.endswith(suffix) and fn == name)
        print(f"  {label:55s} {total * 1000 / requests:6.2f} ms  ({calls / requests:.1f} calls)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--history", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--debug", default="true", help="DEBUG of the in-process app (the bench's gunicorn: true)")
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args(argv)
    server = bench.server_url(args)
    database = f"netterms_profile_{os.getpid()}"
    bench.admin_execute(server, f'CREATE DATABASE "{database}"')
    try:
        bench.django_setup(f"{server}/{database}")
        from django.conf import settings

        settings.DEBUG = args.debug == "true"
        rng = random.Random(7)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = bench.public_jwk(key)
        seeded = bench.seed(companies=args.companies, jwks={"keys": [jwk]}, history=args.history)
        n = args.warmup + args.requests

        def build(path, count, of=None):
            return bench.deliveries_build(buyers=seeded.spread, count=count, path=path, key=key,
                                          kid=jwk["kid"], rng=rng, of=of)

        from saleor_netterms.wsgi import application

        auth = build(bench.WEBHOOK_PATH, n)
        kinds = {"verify-only": build(bench.BASELINE_PATH, n), "floor": build(bench.FLOOR_PATH, n),
                 "authorization": auth, "gateway": build(bench.GATEWAY_PATH, n)}
        results = {}
        for name, deliveries in kinds.items():
            for d in deliveries[:args.warmup]:
                call(application, d)
            if name == "authorization" and args.profile:
                profiler = cProfile.Profile(time.process_time)  # CPU, not waits
                profiler.enable()
                results[name] = cpu_per_request(application, deliveries[args.warmup:])
                profiler.disable()
            else:
                results[name] = cpu_per_request(application, deliveries[args.warmup:])
        from django.db import connection

        shapes = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: (
                shapes.append((len(sql), len(params or ()), sql[:60])), execute(sql, params, many, context))[1]):
            call(application, build(bench.WEBHOOK_PATH, 1)[0])
        print("statements of one authorization (characters, parameters, start):")
        for length, count, start in shapes:
            print(f"  {length:6d} {count:4d}  {start!r}")
        results["process"] = cpu_per_request(application, build(bench.PROCESS_PATH, 0, of=auth[args.warmup:]))
        print(f"load {os.getloadavg()[0]:.2f}; DEBUG={settings.DEBUG}; {args.requests} requests each")
        for name, (cpu, wall) in results.items():
            print(f"  {name:15s} CPU p50 {cpu:6.2f} ms   wall p50 {wall:6.2f} ms")
        if args.profile:
            breakdown(profiler, args.requests)
            profiler.dump_stats(f"/tmp/checkout_profile_{os.getpid()}.pstats")
            print(f"profile saved: /tmp/checkout_profile_{os.getpid()}.pstats")
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                print(out.getvalue())
    finally:
        from django.db import connections

        connections.close_all()
        bench.admin_execute(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
