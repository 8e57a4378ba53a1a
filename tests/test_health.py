import os

import pytest


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    # when
    response = client.get("/healthz")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_eager_broker(client, settings):
    # given
    settings.CELERY_TASK_ALWAYS_EAGER = True

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


def _broker(settings, url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url


@pytest.mark.django_db
def test_readyz_reaches_the_redis_broker(client, settings):
    # given: the Redis CI runs against (TEST_REDIS_URL), as production would configure CELERY_BROKER_URL
    _broker(settings, os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_down(client, settings):
    # given: nothing listens on port 1
    _broker(settings, "redis://127.0.0.1:1/0")

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "ok"
