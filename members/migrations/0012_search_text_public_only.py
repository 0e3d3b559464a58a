"""Recompute the folded search column so that it holds only what an organisation publishes."""

from django.db import migrations


def refold(apps, schema_editor):
    from members.models import organisation_search_text

    Organisation = apps.get_model("members", "Organisation")
    for organisation in Organisation.objects.only(
        "pk", "name", "name_kana", "strengths", "public_fields"
    ).iterator():
        parts = [organisation.name, organisation.name_kana]
        if "strengths" in (organisation.public_fields or []):
            parts.append(organisation.strengths)
        Organisation.objects.filter(pk=organisation.pk).update(
            search_text=organisation_search_text(parts)
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0011_written_resolution_reminder_schedule")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
