"""Japanese for the admin screens of libraries that ship no Japanese translation.

Listing the msgids here keeps them in locale/ja (project level, which takes precedence over the
libraries' own catalogues) when `makemessages` runs. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_noop

# django-simple-history: the 変更履歴 pages.
SIMPLE_HISTORY = [
    gettext_noop("History"),
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("Close"),
]

# django-celery-beat: the 定期タスク section.
CELERY_BEAT = [
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("clocked"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
    gettext_noop("periodic task track"),
    gettext_noop("periodic task tracks"),
]

# django-import-export: the strings its Japanese catalogue leaves untranslated (export and
# import pages, their messages).
IMPORT_EXPORT = [
    gettext_noop("%s through import_export"),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the "
        "correct format for the file."
    ),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop("Resource"),
    gettext_noop("Form is not validated, call `is_valid` first"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in "
        "the resource fields: %s"
    ),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present in "
        "the file headers: %s"
    ),
    gettext_noop("call to force_str() on instance failed: %s"),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it using "
        "the form above."
    ),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("Value could not be parsed."),
    gettext_noop("use_natural_foreign_keys and key_is_id cannot both be True"),
    ngettext_noop("Export %(len)s selected item.", "Export %(len)s selected items.", 1),
]
