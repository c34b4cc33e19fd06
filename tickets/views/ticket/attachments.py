"""Attachment downloads, after the permission check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHtmxRequest

from ... import selectors
from ...downloads import attachment_response


@require_GET
@login_required
def attachment_download(request: AuthenticatedHtmxRequest, pk: int) -> FileResponse:
    """Always a download through this check, never a link into MEDIA_URL."""
    attachment = selectors.attachment_get_for_user(user=request.user, pk=pk)
    return attachment_response(attachment)
