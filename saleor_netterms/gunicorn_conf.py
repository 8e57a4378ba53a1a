"""gunicorn settings for production: `gunicorn saleor_netterms.wsgi -c python:saleor_netterms.gunicorn_conf`.

gunicorn's error and access logs as one JSON object per line, through the app's redacting filter
(a signed document link's token is a credential and must not reach the access log)."""
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "saleor_netterms.core.logging.RedactingFilter"}},
    "formatters": {"json": {"()": "saleor_netterms.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"],
                             "stream": "ext://sys.stdout"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
