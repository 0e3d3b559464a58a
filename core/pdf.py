"""The one way the platform makes PDFs: a Django template rendered by WeasyPrint.

Documents use the Noto CJK fonts (Debian: fonts-noto-cjk). Without a Japanese font WeasyPrint
would quietly print empty boxes, so rendering refuses instead, naming the package to install.
"""

import shutil
import subprocess

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

FONT_PACKAGE = "fonts-noto-cjk"


class JapaneseFontMissing(RuntimeError):
    pass


def japanese_fonts() -> list[str]:
    """Font families fontconfig offers for Japanese text (empty if none)."""
    if shutil.which("fc-list") is None:
        return []
    result = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
    )
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def ensure_japanese_font() -> None:
    if not japanese_fonts():
        raise JapaneseFontMissing(
            _(
                "No Japanese font is installed, so the PDF cannot be printed. "
                "Install the %(package)s package (for example: apt-get install %(package)s)."
            )
            % {"package": FONT_PACKAGE}
        )


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render a template to PDF bytes, in Japanese and Asia/Tokyo time."""
    ensure_japanese_font()
    # Imported here: WeasyPrint loads Pango at import; only PDF work should pay for it.
    from weasyprint import HTML

    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def font_missing_response(exc: JapaneseFontMissing) -> HttpResponse:
    """The one answer when a PDF cannot be printed for want of a font: a 503 naming the package.

    Not a redirect with a message: the page that asked for the PDF may not be the one to return
    to, and a monitoring probe or a script should see the failure as a failure."""
    return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")


def pdf_bytes_response(pdf: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def pdf_response(template_name: str, context: dict, *, filename: str) -> HttpResponse:
    """The rendered PDF shown in the browser; without a Japanese font, a 503 naming the package
    to install."""
    try:
        pdf = render_pdf(template_name, context)
    except JapaneseFontMissing as exc:
        return font_missing_response(exc)
    return pdf_bytes_response(pdf, filename=filename)
