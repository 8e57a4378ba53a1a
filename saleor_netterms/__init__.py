"""saleor-netterms: net terms (invoice, pay later) for Saleor, as a Saleor App."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("saleor-netterms")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.1.0"

from .celery import app as celery_app  # noqa: E402

__all__ = ["__version__", "celery_app"]
