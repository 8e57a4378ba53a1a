from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """No models: installed so that Celery finds workflows/tasks.py."""
    name = "saleor_netterms.workflows"
    label = "workflows"
