"""Issue 9, density and small screens: the inbox at 1440x900 (one row of filters, the bulk
bar only with a selection, twelve tickets or more in view, subjects using the free width),
the inbox on a 390x844 phone (cards, nothing wider than the screen, a ticket on the first
screen) and a header on one line at 1440 px in French for every role."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import ROLE_ORDER, Role
from accounts.tests.factories import TeamFactory
from crm import services as crm_services
from tickets import services
from tickets.tests.factories import QueueFactory, calendar, policy

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LONG = (
    "Facture de mars incorrecte : l'abonnement fibre compte deux fois depuis le changement d'offre"
)


def _inbox(make_user, count: int = 20):
    agent = make_user(Role.AGENT, first_name="Camille", last_name="Agent")
    team = TeamFactory(name="Service client", members=[agent])
    queue = QueueFactory(name="Service client", team=team, calendar=calendar())
    policy(queue)
    customer = crm_services.contact_create(
        actor=None, first_name="Zoé", last_name="Lefèvre", emails=["zoe@example.fr"]
    )
    for n in range(count):
        services.ticket_create(
            queue=queue, subject=f"{LONG} ({n})", body="Bonjour.", contact=customer,
            assignee=agent, tags=["facturation"] if n % 3 == 0 else [],
        )  # fmt: skip
    return agent


VISIBLE_ROWS = """() => [...document.querySelectorAll('#inbox-results .ticket-row')]
  .filter(r => { const b = r.getBoundingClientRect();
                 return b.height > 0 && b.top >= 0 && b.bottom <= window.innerHeight; }).length"""


def test_the_inbox_shows_twelve_tickets_on_a_1440x900_screen(
    live_server, page: Page, make_user, login, screenshots
):
    agent = _inbox(make_user)
    login(agent.email)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("inbox-count")).to_contain_text("20 tickets")
    # The filters on one row.
    tops = page.locator("#inbox-filters :is(input:not([type=hidden]), select)").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 7
    assert len(set(tops)) == 1, tops
    # No selection, no bulk bar; a ticked ticket brings it.
    bulk = page.get_by_test_id("bulk-form")
    expect(bulk).to_be_hidden()
    assert page.evaluate(VISIBLE_ROWS) >= 12
    # The subject takes the free width and is cut at its end only.
    subject = page.locator(".ticket-row .ticket-subject").first
    width = page.locator(".ticket-row .ticket-subject-cell").first.evaluate(
        "el => el.getBoundingClientRect().width"
    )
    table = page.locator("#inbox-table").evaluate("el => el.getBoundingClientRect().width")
    widths = (
        page.locator(".ticket-row")
        .first.locator("td")
        .evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    )
    assert width == max(widths), widths
    assert width >= 0.25 * table, (width, table)
    assert subject.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    screenshots(page, "inbox")

    page.locator(".ticket-select").first.check()
    expect(bulk).to_be_visible()
    expect(page.get_by_label("Assigner à")).to_be_visible()
    page.locator(".ticket-select").first.uncheck()
    expect(bulk).to_be_hidden()


def test_the_inbox_works_without_javascript(browser, live_server, make_user, password):
    agent = _inbox(make_user, count=3)
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(agent.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/tickets/")
    # Without JS the bar stays, and every filter is there.
    expect(page.get_by_test_id("bulk-form")).to_be_visible()
    expect(page.locator("#id_priority")).to_be_visible()
    context.close()


def test_the_inbox_on_a_phone_is_cards_within_the_screen(live_server, page: Page, make_user, login):
    agent = _inbox(make_user, count=6)
    login(agent.email)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("inbox-count")).to_contain_text("6 tickets")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = page.locator(".ticket-row").first
    box = first.bounding_box()
    assert box is not None
    assert box["y"] + 40 <= PHONE["height"], box
    assert box["width"] <= PHONE["width"]
    expect(first.locator(".ticket-subject")).to_be_in_viewport()
    # The filters fold behind a toggle that remembers its state.
    priority = page.locator("#id_priority")
    expect(priority).to_be_hidden()
    page.get_by_role("button", name="Filtres").click()
    expect(priority).to_be_visible()
    page.reload()
    expect(priority).to_be_visible()


@pytest.mark.parametrize("roles", [[Role.ADMIN], list(ROLE_ORDER)], ids=["admin", "every-role"])
def test_the_header_is_one_line_at_1440_in_french(live_server, page: Page, make_user, login, roles):
    roles = [r for r in roles if r != Role.INTEGRATION]
    user = make_user(*roles, first_name="Marie-Héloïse", last_name="Delacroix-Fontaine")
    login(user.email)
    page.set_viewport_size(DESKTOP)
    for url in ("/", "/tickets/"):
        page.goto(f"{live_server.url}{url}")
        brand = page.locator(".navbar-brand").bounding_box()
        nav = page.locator("nav.navbar").bounding_box()
        assert brand
        assert nav
        # One line: the bar is no taller than the brand plus the bar's padding.
        assert nav["height"] <= brand["height"] + 24, (url, nav, brand)
        logout = page.get_by_role("button", name="Se déconnecter").bounding_box()
        assert logout
        assert logout["y"] < brand["y"] + brand["height"]
        assert logout["x"] + logout["width"] <= DESKTOP["width"], (url, logout)
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


def test_the_admin_ticket_and_contact_lists_fit_1440(live_server, page: Page, make_user, login):
    from django.contrib import admin as django_admin

    from crm.models import Contact
    from tickets.models import Ticket

    agent = _inbox(make_user, count=3)
    services.ticket_create(
        queue=agent.teams.first().queues.first(), subject="Très long objet " * 12,
        body="Bonjour.", contact=crm_services.contact_create(
            actor=None, first_name="Marie-Héloïse", last_name="Delacroix-Fontaine de Montmorency",
            emails=["mh@example.fr"], job_title="Directrice des achats et de la logistique",
        ),
    )  # fmt: skip
    for model in (Ticket, Contact):
        assert len(django_admin.site._registry[model].list_display) <= 7
    admin_user = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    login(admin_user.email)
    page.set_viewport_size(DESKTOP)
    for url in ("/admin/tickets/ticket/", "/admin/crm/contact/"):
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("#result_list")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"], url
        table = page.locator("#result_list").bounding_box()
        assert table is not None
        assert table["x"] + table["width"] <= DESKTOP["width"], url
