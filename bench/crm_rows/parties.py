"""Organisation and contact rows (with emails, phones, identifiers, tags)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from crm.search import (
    contact_search_name,
    contact_search_text,
    organisation_search_text,
)

from .plan import (
    _WINDOW_SECONDS,
    FRENCH_RATE,
    ORGANISATION_ATTACH_RATE,
    ContactsBuild,
    CrmPlan,
    OrganisationsBuild,
    Table,
)
from .vocabulary import (
    _BRITISH_LAST_WEIGHTS,
    _FRENCH_LAST_WEIGHTS,
    BRITISH_CITIES,
    BRITISH_COMPANY_FORMS,
    BRITISH_FIRST_NAMES_F,
    BRITISH_FIRST_NAMES_M,
    BRITISH_LAST_NAMES,
    BRITISH_STREETS,
    CONTACT_TAGS,
    ENGLISH_JOBS,
    FREE_MAIL_DOMAINS_EN,
    FREE_MAIL_DOMAINS_FR,
    FRENCH_CITIES,
    FRENCH_COMPANY_FORMS,
    FRENCH_FIRST_NAMES_F,
    FRENCH_FIRST_NAMES_M,
    FRENCH_JOBS,
    FRENCH_LAST_NAMES,
    FRENCH_STREETS,
    ORGANISATION_SIZES,
    ORGANISATION_TAGS,
    SECTORS_EN,
    SECTORS_FR,
    TAGS,
    _ascii_slug,
    _french_landline,
    _french_mobile,
    _moment,
    _siren,
)

ORGANISATION_COLUMNS = (
    "id", "name", "legal_id", "sector", "size", "website", "owner_id", "address_line1",
    "address_line2", "postal_code", "city", "region", "country", "search_text",
    "created_at", "updated_at",
)  # fmt: skip


def build_organisations(plan: CrmPlan, *, staff_ids: Sequence[int]) -> OrganisationsBuild:
    rng = plan.rng("organisations")
    organisations = Table("crm.Organisation", ORGANISATION_COLUMNS)
    organisation_tags = Table("crm.Organisation_tags", ("id", "organisation_id", "tag_id"))
    names: list[str] = []
    domains: list[str] = []
    created: list[datetime] = []
    for index in range(plan.organisations):
        pk = index + 1
        french = rng.random() < FRENCH_RATE
        if french:
            first, second = rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS, k=2)
            name = rng.choice(FRENCH_COMPANY_FORMS).format(a=first, b=second)
            city, postcode_prefix, region = rng.choice(FRENCH_CITIES)
            postal_code = f"{postcode_prefix}{rng.randrange(1000):03d}"
            legal_id = _siren(index) if rng.random() < 0.9 else ""
            sector = rng.choice(SECTORS_FR)
            street = f"{rng.randint(1, 180)} {rng.choice(FRENCH_STREETS)}"
            country, tld = "FR", "fr"
        else:
            first, second = rng.choices(BRITISH_LAST_NAMES, _BRITISH_LAST_WEIGHTS, k=2)
            name = rng.choice(BRITISH_COMPANY_FORMS).format(a=first, b=second)
            city, postal_code, region = rng.choice(BRITISH_CITIES)
            postal_code = f"{postal_code} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}X"
            legal_id = ""
            sector = rng.choice(SECTORS_EN)
            street = f"{rng.randint(1, 180)} {rng.choice(BRITISH_STREETS)}"
            country, tld = "GB", "co.uk"
        created_at = _moment(rng.randrange(_WINDOW_SECONDS // 2))
        domain = f"{_ascii_slug(name, '-')}.{tld}"
        organisations.rows.append(
            (
                pk, name, legal_id, sector, rng.choice(ORGANISATION_SIZES),
                f"https://www.{domain}",
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.6 else None,
                street, "", postal_code, city, region, country,
                organisation_search_text(name=name, legal_id=legal_id, city=city, sector=sector),
                created_at, created_at,
            )
        )  # fmt: skip
        names.append(name)
        domains.append(domain)
        created.append(created_at)
        if rng.random() < 0.2:
            tag_id = TAGS.index(rng.choice(ORGANISATION_TAGS)) + 1
            organisation_tags.rows.append((len(organisation_tags) + 1, pk, tag_id))
    return OrganisationsBuild(organisations, organisation_tags, names, domains, created)


CONTACT_COLUMNS = (
    "id", "title", "first_name", "last_name", "organisation_id", "job_title",
    "preferred_language", "preferred_channel", "owner_id", "is_vip", "merged_into_id",
    "erased_at", "search_text", "search_name", "address_line1", "address_line2",
    "postal_code", "city", "region", "country", "created_at", "updated_at",
)  # fmt: skip


def build_contacts(
    plan: CrmPlan, organisations: OrganisationsBuild, *, staff_ids: Sequence[int]
) -> ContactsBuild:
    rng = plan.rng("contacts")
    tags = Table("crm.Tag", ("id", "name"), [(i + 1, name) for i, name in enumerate(TAGS)])
    contacts = Table("crm.Contact", CONTACT_COLUMNS)
    emails = Table("crm.ContactEmail", ("id", "contact_id", "email", "label", "is_primary"))
    phones = Table("crm.ContactPhone", ("id", "contact_id", "number", "kind", "is_primary"))
    external_ids = Table("crm.ExternalId", ("id", "contact_id", "system", "value"))
    contact_tags = Table("crm.Contact_tags", ("id", "contact_id", "tag_id"))
    build = ContactsBuild(
        tags, contacts, emails, phones, external_ids, contact_tags, [], [], [], []
    )
    # Contacts join over the window's first 2.5 years; their history runs to its end.
    joined_span = _WINDOW_SECONDS * 5 // 6
    for index in range(plan.contacts):
        pk = index + 1
        heavy = pk == plan.heavy_contact_id
        french = rng.random() < FRENCH_RATE
        female = rng.random() < 0.5
        if french:
            last_name = rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS)[0]
            if rng.random() < 0.05:  # compound surnames: "Martin-Dubois"
                last_name += "-" + rng.choices(FRENCH_LAST_NAMES, _FRENCH_LAST_WEIGHTS)[0]
            first_name = rng.choice(FRENCH_FIRST_NAMES_F if female else FRENCH_FIRST_NAMES_M)
            job_title = rng.choice(FRENCH_JOBS) if rng.random() < 0.6 else ""
            city, postcode_prefix, region = rng.choice(FRENCH_CITIES)
            postal_code = f"{postcode_prefix}{rng.randrange(1000):03d}"
            street = f"{rng.randint(1, 180)} {rng.choice(FRENCH_STREETS)}"
            country = "FR"
        else:
            last_name = rng.choices(BRITISH_LAST_NAMES, _BRITISH_LAST_WEIGHTS)[0]
            first_name = rng.choice(BRITISH_FIRST_NAMES_F if female else BRITISH_FIRST_NAMES_M)
            job_title = rng.choice(ENGLISH_JOBS) if rng.random() < 0.6 else ""
            city, postal_code, region = rng.choice(BRITISH_CITIES)
            postal_code = f"{postal_code} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}X"
            street = f"{rng.randint(1, 180)} {rng.choice(BRITISH_STREETS)}"
            country = "GB"
        organisation_id: int | None = None
        organisation_name: str | None = None
        if heavy or rng.random() < ORGANISATION_ATTACH_RATE:
            organisation_id = rng.randrange(plan.organisations) + 1
            organisation_name = organisations.names[organisation_id - 1]
        created_seconds = 0 if heavy else rng.randrange(joined_span)
        created_at = _moment(created_seconds)

        local = f"{_ascii_slug(first_name)}.{_ascii_slug(last_name)}"
        if organisation_id is not None:
            domain = organisations.domains[organisation_id - 1]
        else:
            domain = rng.choice(FREE_MAIL_DOMAINS_FR if french else FREE_MAIL_DOMAINS_EN)
        # The id keeps addresses unique, as the duplicate check would in real life.
        contact_emails = [f"{local}{pk}@{domain}"]
        if rng.random() < 0.15:
            free_domain = rng.choice(FREE_MAIL_DOMAINS_FR if french else FREE_MAIL_DOMAINS_EN)
            contact_emails.append(f"{_ascii_slug(first_name)}{pk}@{free_domain}")
        for position, email in enumerate(contact_emails):
            label = "" if position == 0 else "perso"
            emails.rows.append((len(emails) + 1, pk, email, label, position == 0))

        mobile = _french_mobile(index)
        phones.rows.append((len(phones) + 1, pk, mobile, "mobile", True))
        if rng.random() < 0.1:
            phones.rows.append((len(phones) + 1, pk, _french_landline(index), "landline", False))

        contact_external_ids: list[str] = []
        if rng.random() < 0.6:
            contact_external_ids.append(f"C{1_000_000 + pk}")
            external_ids.rows.append((len(external_ids) + 1, pk, "erp", contact_external_ids[-1]))
        if rng.random() < 0.1:
            contact_external_ids.append(f"FAC-{pk:07d}")
            external_ids.rows.append(
                (len(external_ids) + 1, pk, "billing", contact_external_ids[-1])
            )

        for tag_id in sorted(
            rng.sample(range(1, len(CONTACT_TAGS) + 1), k=rng.choice((0, 0, 1, 2)))
        ):
            contact_tags.rows.append((len(contact_tags) + 1, pk, tag_id))

        contacts.rows.append(
            (
                pk,
                ("mrs" if female else "mr") if rng.random() < 0.9 else "",
                first_name, last_name, organisation_id, job_title,
                "fr" if french else "en",
                rng.choices(("email", "phone", "sms", "post"), (50, 35, 10, 5))[0],
                rng.choice(staff_ids) if staff_ids and rng.random() < 0.3 else None,
                rng.random() < 0.02, None, None,
                contact_search_text(
                    first_name=first_name, last_name=last_name, job_title=job_title,
                    organisation_name=organisation_name, emails=contact_emails,
                    external_ids=contact_external_ids,
                ),
                contact_search_name(first_name=first_name, last_name=last_name),
                street, "", postal_code, city, region, country, created_at, created_at,
            )
        )  # fmt: skip
        build.organisation_ids.append(organisation_id)
        build.created_seconds.append(created_seconds)
        build.mobiles.append(mobile)
        build.french.append(french)
    return build
