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


def backend_cpu_seconds() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (/proc: the server is local)."""
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_per_request(application, deliveries) -> tuple[float, float, float]:
    times, walls = [], []
    pg_before = backend_cpu_seconds()
    for delivery in deliveries:
        t0, w0 = time.process_time(), time.perf_counter()
        call(application, delivery)
        times.append((time.process_time() - t0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    pg = (backend_cpu_seconds() - pg_before) * 1000 / len(deliveries)
    return statistics.median(times), statistics.median(walls), pg


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
    parser.add_argument("--no-triggers", action="store_true",
                        help="run with the database's triggers off (session_replication_role = replica), "
                             "to see what they cost")
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

        if args.no_triggers:  # attribution only: the answers stay right, the rollups and checks do not run
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")

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
                shapes.append((sql, params)), execute(sql, params, many, context))[1]):
            call(application, build(bench.WEBHOOK_PATH, 1)[0])
        print("statements of one authorization (characters, parameters, PostgreSQL planning + execution "
              "of the same statement again, EXPLAIN ANALYZE in a rolled-back transaction):")
        from django.db import transaction

        for sql, params in shapes:
            timing = ""
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, SUMMARY, FORMAT JSON) " + sql, params)
                        plan = cursor.fetchone()[0]
                        plan = plan[0] if isinstance(plan, list) else __import__("json").loads(plan)[0]
                        timing = f"plan {plan['Planning Time']:.2f} ms + run {plan['Execution Time']:.2f} ms"
                    raise RuntimeError("roll back")
            except RuntimeError:
                pass
            except Exception as exc:  # noqa: BLE001 - a statement that cannot run twice
                timing = f"({type(exc).__name__})"
            print(f"  {len(sql):6d} {len(params or ()):4d}  {sql[:50]!r}  {timing}")
        results["process"] = cpu_per_request(application, build(bench.PROCESS_PATH, 0, of=auth[args.warmup:]))
        print(f"load {os.getloadavg()[0]:.2f}; DEBUG={settings.DEBUG}; {args.requests} requests each")
        for name, (cpu, wall, pg) in results.items():
            print(f"  {name:15s} CPU p50 {cpu:6.2f} ms   wall p50 {wall:6.2f} ms   PostgreSQL CPU mean {pg:5.2f} ms")
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
