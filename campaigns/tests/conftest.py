from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from channels.tests.servers import smtp_server  # noqa: F401 (fixture)
from crm.models import Consent
from crm.tests.factories import ConsentFactory, ContactFactory, OrganisationFactory


@pytest.fixture
def marketer(make_user: Any) -> Any:
    return make_user("marketing", email="marketing@example.com")


@pytest.fixture
def known_set(db: Any) -> dict[str, Any]:
    """Ten contacts with known attributes (the exact counts below depend on them)."""
    big = OrganisationFactory(name="BigCo", sector="Retail", size="large")
    small = OrganisationFactory(name="SmallCo", sector="Banking", size="micro")
    c = {}
    c["a"] = ContactFactory(
        first_name="Anne",
        preferred_language="fr",
        country="FR",
        postal_code="75011",
        organisation=big,
        tags=["client", "vip"],
        is_vip=True,
    )
    c["b"] = ContactFactory(
        first_name="Bob",
        preferred_language="en",
        country="GB",
        postal_code="SW1A",
        organisation=small,
        tags=["client"],
    )
    c["c"] = ContactFactory(
        first_name="Chloé",
        preferred_language="fr",
        country="FR",
        postal_code="20000",
        organisation=None,
        tags=["prospect"],
    )
    c["d"] = ContactFactory(
        first_name="Dan",
        preferred_language="en",
        country="FR",
        postal_code="69003",
        organisation=big,
    )
    c["e"] = ContactFactory(
        first_name="Eve",
        preferred_language="fr",
        country="BE",
        postal_code="1000",
        organisation=small,
        is_vip=True,
        emails=[],
    )
    for key in ("f", "g", "h", "i", "j"):
        c[key] = ContactFactory(
            first_name=key.upper(), preferred_language="fr", country="FR", postal_code="75002"
        )
    # Email consent: a, b, d, e, f, g given; c withdrew after giving; h given then withdrawn;
    # i none; j phone only.
    old = timezone.now() - timedelta(days=10)
    for key in ("a", "b", "d", "e", "f", "g"):
        ConsentFactory(contact=c[key], channel="email", status=Consent.Status.GIVEN)
    for key in ("c", "h"):
        ConsentFactory(
            contact=c[key], channel="email", status=Consent.Status.GIVEN, recorded_at=old
        )
        ConsentFactory(contact=c[key], channel="email", status=Consent.Status.WITHDRAWN)
    ConsentFactory(contact=c["j"], channel="phone", status=Consent.Status.GIVEN)
    return c
