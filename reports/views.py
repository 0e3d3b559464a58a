from django.core.exceptions import PermissionDenied
from django.http import FileResponse

from core.pdf import JapaneseFontMissing, font_missing_response
from core.services import document_render

from .services import platform_summary_create


def platform_summary_pdf(request):
    """Snapshot and print the platform summary now (coordinators and the secretariat).

    Served inside the admin (kirin_pf/admin_site.py wraps it in admin_view)."""
    if not request.user.has_perm("core.print_platform_summary"):
        raise PermissionDenied
    document = platform_summary_create(actor=request.user)
    try:
        document_render(document=document)
    except JapaneseFontMissing as exc:
        return font_missing_response(exc)
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"platform-summary-{document.snapshot['as_of']}.pdf",
    )
