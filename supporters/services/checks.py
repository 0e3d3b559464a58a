"""The one check of places and LINE names, shared by every form, admin screen, import and
service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def details_check(data: dict) -> None:
    """Where someone (or something) is and how they get LINE messages; every form, admin
    screen, import and service calls this one function.

    Checks only what `data` carries: the school district must lie in the municipality (when
    both are given), and a LINE name is required with LINE and kept only with LINE (when
    `receives_line` is given). Raises ValidationError keyed by field, in Japanese.
    """
    errors = {}
    district, municipality = data.get("district"), data.get("municipality")
    if district is not None and municipality is not None:
        if district.municipality_id != municipality.pk:
            errors["district"] = _("The school district is not in the chosen municipality.")
    if "receives_line" in data:
        line_name = (data.get("line_name") or "").strip()
        if data["receives_line"] and not line_name:
            errors["line_name"] = _("Please enter the LINE name.")
        elif not data["receives_line"] and line_name:
            errors["line_name"] = _("A LINE name is only kept for supporters who receive LINE.")
    if errors:
        raise ValidationError(errors)
