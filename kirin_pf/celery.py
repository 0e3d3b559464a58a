import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kirin_pf.settings")

app = Celery("kirin_pf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
