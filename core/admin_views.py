from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect

from .pdf import JapaneseFontMissing
from .services import document_render, platform_summary_create


def platform_summary_pdf(request):
    """Snapshot and print the platform summary now (coordinators and the secretariat)."""
    if not request.user.has_perm("core.print_platform_summary"):
        raise PermissionDenied
    document = platform_summary_create(actor=request.user)
    try:
        document_render(document=document)
    except JapaneseFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("admin:index")
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"platform-summary-{document.snapshot['as_of']}.pdf",
    )
