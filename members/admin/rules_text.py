"""The values a 規定の改廃 item proposes, typed as Japanese lines 「項目：値」 instead of JSON.

Stored as before (AgendaItem.proposed_rules, checked by the service); the labels are the rule
set's own field names in Japanese.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.japanese import format_date, parse_date

from ..models import RuleSet
from ..services import RULE_VALUE_FIELDS

_YES = {"はい", "する", "可", "true", "1"}
_NO = {"いいえ", "しない", "不可", "false", "0"}


def rule_labels() -> dict:
    """field name → its label in Japanese (the effective date first)."""
    names = ("effective_from", *RULE_VALUE_FIELDS)
    return {name: str(RuleSet._meta.get_field(name).verbose_name) for name in names}


def rules_as_text(proposed: dict) -> str:
    """The stored values as the lines a person reads (and would type)."""
    labels = rule_labels()
    lines = []
    for name, value in proposed.items():
        if name == "effective_from":
            value = format_date(datetime.date.fromisoformat(value))
        elif isinstance(value, bool):
            value = _("answer: yes") if value else _("answer: no")
        lines.append(f"{labels.get(name, name)}：{value}")
    return "\n".join(lines)


def _parse_date(text: str) -> str:
    day = parse_date(text)
    if day is None:
        raise ValidationError(_("Write the date as 2027年4月1日 or 2027-04-01."))
    return day.isoformat()


def _parse_value(name: str, text: str):
    if name == "effective_from":
        return _parse_date(text)
    if name == "subject_may_vote":
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise ValidationError(
            _("Answer はい or いいえ for “%(label)s”.") % {"label": rule_labels()[name]}
        )
    if not text.isdigit():
        raise ValidationError(
            _("“%(label)s” takes a whole number.") % {"label": rule_labels()[name]}
        )
    return int(text)


class RulesTextarea(forms.Textarea):
    """Lines to type; and where the admin shows a stored row read-only (an existing agenda line)
    it renders the field through its widget when the widget is `read_only` (Django's hook for
    such widgets), passing the stored dict: the same Japanese lines then, never the JSON."""

    read_only = True

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(value, dict):  # the admin's read-only display of the stored values
            return linebreaksbr(rules_as_text(value)) if value else "-"
        return super().render(name, value, attrs, renderer)


class RulesTextField(forms.CharField):
    """「項目：値」 per line → the dict the service expects (it checks the content)."""

    widget = RulesTextarea(attrs={"rows": 3, "cols": 36})

    def prepare_value(self, value):
        # A new row starts from the model's default (an empty dict), not "{}".
        if isinstance(value, dict):
            return rules_as_text(value)
        return super().prepare_value(value)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("proposed rule values"))
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "One change per line, 「項目：値」. For example: 施行日：2027年4月1日 ／ "
                "除名後に再入会できない期間（年）：2"
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        by_label = {label: name for name, label in rule_labels().items()}
        proposed = {}
        for line in filter(None, (line.strip() for line in text.splitlines())):
            parts = [part.strip() for part in re.split(r"[:：]", line, maxsplit=1)]
            if len(parts) != 2 or parts[0] not in by_label:
                raise ValidationError(
                    _("Unknown line “%(line)s”: use one of %(labels)s.")
                    % {"line": line, "labels": "、".join(by_label)}
                )
            proposed[by_label[parts[0]]] = _parse_value(by_label[parts[0]], parts[1])
        return proposed
