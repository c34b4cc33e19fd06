"""The contact list's export, as CSV (streamed) or XLSX, with the list's filters."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from accounts.http import AuthenticatedHtmxRequest

from .. import exports, selectors
from ..forms.exports import ContactExportForm
from ..permissions import CRM_EXPORT

ERROR_EXPORT_FILTERS = _("The filters of this export are not valid.")


@require_GET
@role_required(*CRM_EXPORT)
def contact_export(request: AuthenticatedHtmxRequest) -> HttpResponseBase:
    form = ContactExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(str(ERROR_EXPORT_FILTERS))
    data = form.cleaned_data
    owner = request.user if data["mine"] else data["owner"]
    contacts = selectors.contact_list(
        search=data["q"],
        organisation=data["organisation"],
        tag=data["tag"],
        owner=owner,
        vip={"1": True, "0": False}.get(data["vip"]),
        language=data["language"],
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if data["format"] == "xlsx":
        try:
            workbook = exports.contact_export_xlsx(contacts=contacts)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            query = request.GET.copy()
            query.pop("format", None)
            return redirect(f"{reverse('crm:contact_list')}?{query.urlencode()}")
        return FileResponse(
            workbook,
            as_attachment=True,
            filename=f"contacts-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(
        exports.contact_export_csv(contacts=contacts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    return response
