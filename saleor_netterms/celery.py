"""The Celery application. Tasks take ids, re-read state and are safe to run twice."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_netterms.settings")

app = Celery("saleor_netterms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
