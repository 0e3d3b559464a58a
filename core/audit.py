"""The one audit mechanism: every app labels the history row of a change it makes.

django-simple-history writes a history row on every save; `audit()` labels the row the next
save writes with who acted and a dotted action code (pretix's `log_action` in spirit), in the
same transaction as the change. Codes name what kind of thing happened and carry ids only,
never personal or confidential content: e.g. ``members.membership.expelled``.
"""


def audit(instance, code: str, actor=None):
    """Label the next history row of `instance` with `code` and `actor`; returns `instance`
    so a service can write ``audit(obj, "app.model.event", actor).save()``."""
    instance._change_reason = code
    if actor is not None:
        instance._history_user = actor
    return instance
