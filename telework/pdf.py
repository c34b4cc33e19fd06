"""The signed agreement as a PDF (WeasyPrint), with fonts the project installs: the
DejaVu files from Debian's fonts-dejavu-core are embedded by path, so the document looks
the same on every machine and never depends on what fontconfig happens to find."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import AgreementVersion


def font_faces() -> str:
    directory = settings.TELEWORK_PDF_FONT_DIR
    faces = []
    for weight, name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
        path = directory / name
        faces.append(
            f"@font-face {{ font-family: 'DejaVu Sans'; font-weight: {weight}; "
            f"src: url('{path.as_uri()}'); }}"
        )
    return "\n".join(faces)


def render_agreement_pdf(*, version: AgreementVersion) -> bytes:
    from weasyprint import HTML

    agreement = version.agreement
    signatures = list(version.signatures.select_related("signer").order_by("signed_at"))
    context: dict[str, Any] = {
        "version": version,
        "agreement": agreement,
        "signatures": signatures,
        "font_faces": font_faces(),
    }
    with translation.override(version.language or "fr"):
        html = render_to_string("telework/pdf/agreement.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_identifier=version.text_hash[:32].encode()
    )
