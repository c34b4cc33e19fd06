"""REST API of the shared customer record: thin views over the crm services and selectors.

Reads need a CRM_READ role, writes CRM_WRITE, merges CRM_MERGE and GDPR requests
CRM_PRIVACY. A service's ValidationError becomes a 400 through relais.api's handler.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from accounts.permissions import HasRole
from relais.api import BAD_REQUEST, COMMON_ERRORS, OBJECT_ERRORS, BaseAPIView

from . import selectors, services
from .models import Contact, Organisation
from .permissions import CRM_MERGE, CRM_PRIVACY, CRM_READ, CRM_WRITE
from .serializers import (
    CallFilterSerializer,
    CallInputSerializer,
    CallOutputSerializer,
    ConsentInputSerializer,
    ConsentOutputSerializer,
    ConsentStateSerializer,
    ContactCreateInputSerializer,
    ContactFilterSerializer,
    ContactInputSerializer,
    ContactOutputSerializer,
    DuplicateConflictSerializer,
    EraseInputSerializer,
    MergeInputSerializer,
    NoteInputSerializer,
    NoteOutputSerializer,
    OrganisationFilterSerializer,
    OrganisationInputSerializer,
    OrganisationOutputSerializer,
    PersonalDataSerializer,
    TimelinePageSerializer,
    TimelineQuerySerializer,
)

ERROR_INVALID_CURSOR = _("This cursor is not valid; start again from the first page.")


class CrmAPIView(BaseAPIView):
    """Role per method: `read_roles` for GET/HEAD/OPTIONS, `write_roles` for the rest."""

    read_roles: tuple[str, ...] = CRM_READ
    write_roles: tuple[str, ...] = CRM_WRITE

    def get_permissions(self) -> list[BasePermission]:
        roles = self.read_roles if self.request.method in SAFE_METHODS else self.write_roles
        return [HasRole.of(*roles)()]

    def contact(self, pk: int) -> Contact:
        return selectors.contact_get_for_user(user=self.actor, pk=pk)

    def contact_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        # Read back through the selector: fresh relations, fetched in a fixed number of queries.
        serializer = ContactOutputSerializer(self.contact(pk), context={"request": self.request})
        return Response(serializer.data, status=status_code)

    def organisation_response(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        organisation = selectors.organisation_get_for_user(user=self.actor, pk=pk)
        serializer = OrganisationOutputSerializer(organisation, context={"request": self.request})
        return Response(serializer.data, status=status_code)


# --- Organisations ----------------------------------------------------------------------
class OrganisationListView(CrmAPIView):
    """Organisations, by name. Read: customer-facing roles; create: agent, supervisor, sales,
    admin."""

    input_serializers = {"POST": OrganisationInputSerializer}

    @extend_schema(
        parameters=[OrganisationFilterSerializer],
        responses={200: OrganisationOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = self.query(OrganisationFilterSerializer)
        return self.paginated(
            selectors.paginable(selectors.organisation_list(**filters)),
            OrganisationOutputSerializer,
        )

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={201: OrganisationOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = OrganisationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_create(actor=self.actor, **serializer.validated_data)
        return self.organisation_response(organisation.pk, status.HTTP_201_CREATED)


class OrganisationDetailView(CrmAPIView):
    """One organisation. PUT and PATCH change only the fields sent (PUT requires the name)."""

    input_serializers = {"PUT": OrganisationInputSerializer, "PATCH": OrganisationInputSerializer}

    def get_object(self) -> Organisation:
        return selectors.organisation_get_for_user(user=self.actor, pk=self.kwargs["pk"])

    @extend_schema(responses={200: OrganisationOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self.organisation_response(pk)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={200: OrganisationOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=OrganisationInputSerializer,
        responses={200: OrganisationOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        organisation = selectors.organisation_get_for_user(user=self.actor, pk=pk)
        serializer = OrganisationInputSerializer(organisation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.organisation_update(
            organisation=organisation, actor=self.actor, **serializer.validated_data
        )
        return self.organisation_response(pk)


# --- Contacts ---------------------------------------------------------------------------
class ContactListView(CrmAPIView):
    """Active contacts (neither merged nor erased). Creating one whose email address or phone
    number is already known answers 409 with the existing contacts."""

    input_serializers = {"POST": ContactCreateInputSerializer}

    @extend_schema(
        parameters=[ContactFilterSerializer],
        responses={200: ContactOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = self.query(ContactFilterSerializer)
        # The list rows show external ids too, which contact_list does not prefetch.
        queryset = selectors.contact_list(**filters).prefetch_related("external_ids")
        return self.paginated(selectors.paginable(queryset), ContactOutputSerializer)

    @extend_schema(
        request=ContactCreateInputSerializer,
        responses={
            201: ContactOutputSerializer,
            400: BAD_REQUEST,
            409: OpenApiResponse(
                DuplicateConflictSerializer,
                description=_(
                    "A contact already has this email address or phone number; send again "
                    "with allow_duplicate=true to create it anyway."
                ),
            ),
            **COMMON_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = ContactCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            contact = services.contact_create(actor=self.actor, **serializer.validated_data)
        except services.DuplicateContactError as exc:
            conflict = DuplicateConflictSerializer(
                {"detail": exc.messages[0], "duplicates": exc.duplicates},
                context={"request": request},
            )
            return Response(conflict.data, status=status.HTTP_409_CONFLICT)
        return self.contact_response(contact.pk, status.HTTP_201_CREATED)


class ContactDetailView(CrmAPIView):
    """One contact. A merged duplicate is returned with `merged_into`; merged and erased
    contacts cannot be changed. Lists sent (emails, phones, tags, external_ids) replace the
    stored ones; lists not sent are kept."""

    input_serializers = {"PUT": ContactInputSerializer, "PATCH": ContactInputSerializer}

    def get_object(self) -> Contact:
        return self.contact(self.kwargs["pk"])

    @extend_schema(responses={200: ContactOutputSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return self.contact_response(pk)

    @extend_schema(
        request=ContactInputSerializer,
        responses={200: ContactOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=ContactInputSerializer,
        responses={200: ContactOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: int, *, partial: bool) -> Response:
        contact = self.contact(pk)
        serializer = ContactInputSerializer(contact, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        # Refused by the service when the contact was merged or erased.
        services.contact_update(contact=contact, actor=self.actor, **serializer.validated_data)
        return self.contact_response(pk)


class ContactTimelineView(CrmAPIView):
    """The contact's timeline, newest first, 25 rows a page; follow `next` for older rows."""

    pagination_class = None

    @extend_schema(
        parameters=[TimelineQuerySerializer],
        responses={200: TimelinePageSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        query = self.query(TimelineQuerySerializer)
        try:
            page = selectors.timeline_page(
                contact=contact, cursor=query.get("cursor") or None, kinds=query.get("kind")
            )
        except ValueError as exc:
            raise ValidationError({"cursor": [ERROR_INVALID_CURSOR]}) from exc
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(request.build_absolute_uri(), "cursor", page.next_cursor)
        serializer = TimelinePageSerializer(
            {"results": page.rows, "next": next_url}, context={"request": request}
        )
        return Response(serializer.data)


class ContactNotesView(CrmAPIView):
    """The contact's notes, newest first; adding one also adds it to the timeline."""

    input_serializers = {"POST": NoteInputSerializer}

    @extend_schema(responses={200: NoteOutputSerializer(many=True), **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        return self.paginated(selectors.note_list(contact=contact), NoteOutputSerializer)

    @extend_schema(
        request=NoteInputSerializer,
        responses={201: NoteOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(
            contact=contact, author=self.actor, body=serializer.validated_data["body"]
        )
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class ContactConsentsView(CrmAPIView):
    """Consent per channel: the latest decision and the full history. Recording a decision
    never rewrites the history."""

    input_serializers = {"POST": ConsentInputSerializer}

    pagination_class = None

    @extend_schema(responses={200: ConsentStateSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        history = list(selectors.consent_history(contact=contact))
        # The current rows are among the history rows, which already carry recorded_by.
        by_id = {consent.pk: consent for consent in history}
        current = {
            channel: (by_id.get(consent.pk, consent) if consent is not None else None)
            for channel, consent in selectors.consent_current(contact=contact).items()
        }
        return Response(ConsentStateSerializer({"current": current, "history": history}).data)

    @extend_schema(
        request=ConsentInputSerializer,
        responses={201: ConsentOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        serializer = ConsentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(
            contact=contact, actor=self.actor, **serializer.validated_data
        )
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)


class ContactMergeView(CrmAPIView):
    """Fold a duplicate into this contact (supervisor, admin): its timeline, notes, calls,
    consents, emails and phones move here."""

    input_serializers = {"POST": MergeInputSerializer}

    write_roles = CRM_MERGE

    @extend_schema(
        request=MergeInputSerializer,
        responses={200: ContactOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        survivor = self.contact(pk)
        serializer = MergeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contact_merge(
            survivor=survivor, duplicate=serializer.validated_data["duplicate"], actor=self.actor
        )
        return self.contact_response(pk)


class ContactGdprExportView(CrmAPIView):
    """Everything held about the contact (right of access); logged. Admin only."""

    read_roles = CRM_PRIVACY
    pagination_class = None

    @extend_schema(responses={200: PersonalDataSerializer, **OBJECT_ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        return Response(services.contact_export_data(contact=contact, actor=self.actor))


class ContactGdprEraseView(CrmAPIView):
    """Erase the contact's personal data (right to erasure); the confirmation is the full name.
    Counts and KPIs keep their rows. Admin only."""

    input_serializers = {"POST": EraseInputSerializer}

    write_roles = CRM_PRIVACY

    @extend_schema(
        request=EraseInputSerializer,
        responses={200: ContactOutputSerializer, 400: BAD_REQUEST, **OBJECT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        contact = self.contact(pk)
        serializer = EraseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contact_erase(contact=contact, actor=self.actor, **serializer.validated_data)
        return self.contact_response(pk)


# --- Calls ------------------------------------------------------------------------------
class CallListView(CrmAPIView):
    """Logged calls, newest first. A call is logged for the signed-in agent."""

    input_serializers = {"POST": CallInputSerializer}

    @extend_schema(
        parameters=[CallFilterSerializer],
        responses={200: CallOutputSerializer(many=True), 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        filters = self.query(CallFilterSerializer)
        return self.paginated(selectors.call_list(**filters), CallOutputSerializer)

    @extend_schema(
        request=CallInputSerializer,
        responses={201: CallOutputSerializer, 400: BAD_REQUEST, **COMMON_ERRORS},
    )
    def post(self, request: Request) -> Response:
        serializer = CallInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = services.call_log(agent=self.actor, **serializer.validated_data)
        return Response(
            CallOutputSerializer(call, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


__all__ = [
    "CallListView",
    "ContactConsentsView",
    "ContactDetailView",
    "ContactGdprEraseView",
    "ContactGdprExportView",
    "ContactListView",
    "ContactMergeView",
    "ContactNotesView",
    "ContactTimelineView",
    "OrganisationDetailView",
    "OrganisationListView",
]
