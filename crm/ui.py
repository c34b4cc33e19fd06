"""The customer record's places in the shared UI: navigation and the header search.
Registered from CrmConfig.ready(). (Later apps' panels on the customer page register
through crm.registry, from their own ui.py.)"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.navigation import HeaderSearch, NavItem, register_header_search, register_nav_item

from .permissions import CRM_READ


def register() -> None:
    register_nav_item(
        NavItem(
            key="contacts",
            label=_("Customers"),
            url_name="crm:contact_list",
            icon="people",
            roles=frozenset(CRM_READ),
            order=20,
        )
    )
    register_nav_item(
        NavItem(
            key="organisations",
            label=_("Organisations"),
            url_name="crm:organisation_list",
            icon="buildings",
            roles=frozenset(CRM_READ),
            order=21,
        )
    )
    register_header_search(
        HeaderSearch(
            url_name="crm:search",
            roles=frozenset(CRM_READ),
            placeholder=_("Name, email, phone, company, customer id…"),
        )
    )
