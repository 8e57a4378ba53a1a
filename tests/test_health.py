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
