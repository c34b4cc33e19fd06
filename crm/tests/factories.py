"""factory_boy factories for the shared customer record.

They write rows directly (fast, for building lists and edge cases) but keep what the
services keep: `search_text` is filled in, so selectors' searches find factory rows.
They do not write timeline rows; use the services when a test needs those.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from crm import services, timeline
from crm.models import (
    Activity,
    Call,
    Channel,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ExternalId,
    Note,
    Organisation,
)
from crm.search import normalise


def french_mobile(n: int) -> str:
    """A distinct, valid French mobile number in E.164 for each n (below 100 million)."""
    return f"+336{10_000_000 + n % 90_000_000:08d}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    legal_id = ""
    sector = "Assurance"
    city = "Lyon"
    country = "FR"
    search_text = factory.LazyAttribute(
        lambda o: normalise(" ".join([o.name, o.legal_id, o.city, o.sector]))
    )

    @factory.post_generation
    def tags(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.tags.set(services.tags_resolve(names=extracted))


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact with one primary email and one primary mobile unless told otherwise:
    `ContactFactory(emails=["a@b.fr", "c@d.fr"], phones=[])`."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    job_title = ""

    @factory.post_generation
    def emails(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        emails = [f"contact{self.pk}@example.fr"] if extracted is None else list(extracted)
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=self, email=email, is_primary=(i == 0))
            for i, email in enumerate(emails)
        )

    @factory.post_generation
    def phones(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        phones = [french_mobile(self.pk)] if extracted is None else list(extracted)
        ContactPhone.objects.bulk_create(
            ContactPhone(contact=self, number=number, is_primary=(i == 0))
            for i, number in enumerate(phones)
        )

    @factory.post_generation
    def external_ids(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            ExternalId.objects.bulk_create(
                ExternalId(contact=self, system=system, value=value)
                for system, value in extracted.items()
            )

    @factory.post_generation
    def tags(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.tags.set(services.tags_resolve(names=extracted))

    @factory.post_generation
    def search(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        # Declared last: the search text includes the emails and external ids made above.
        if create:
            services.contact_refresh_search_text(self)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    contact = factory.SubFactory(ContactFactory)
    channel = Channel.EMAIL
    status = Consent.Status.GIVEN
    source = "web form"
    proof = "I agree to receive news by email."
    recorded_at = factory.LazyFunction(timezone.now)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    contact = factory.SubFactory(ContactFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Note number {n}")
    created_at = factory.LazyFunction(timezone.now)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    contact = factory.SubFactory(ContactFactory)
    agent = factory.SubFactory(UserFactory)
    direction = Call.Direction.INBOUND
    number = factory.Sequence(french_mobile)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    duration_seconds = 300
    talk_seconds = 240
    hold_seconds = 30
    after_call_seconds = 60
    outcome = Call.Outcome.ANSWERED
    topic = "Facturation"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.LazyAttribute(lambda a: a.contact.organisation if a.contact else None)
    kind = timeline.NOTE
    occurred_at = factory.LazyFunction(timezone.now)
    actor = None
    summary = factory.Sequence(lambda n: f"Activity {n}")


__all__ = [
    "ActivityFactory",
    "CallFactory",
    "ConsentFactory",
    "ContactFactory",
    "NoteFactory",
    "OrganisationFactory",
    "french_mobile",
]
