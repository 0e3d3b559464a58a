import logging

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("System")

    def ready(self):
        from . import checks, roles, schedule, security  # noqa: F401  (they register themselves)
        from .admin_actions import require_change_permission_on_undeclared_actions
        from .imports import bound_every_admin_import

        require_change_permission_on_undeclared_actions()
        bound_every_admin_import()
        post_migrate.connect(roles.sync_role_permissions, sender=self)
        post_migrate.connect(schedule.sync_after_migrate, sender=self)
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("REDIS_URL is not set: Celery tasks run eagerly inside this process.")
