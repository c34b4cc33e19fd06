"""The sales pages: each role's access, the flag dialog from a ticket, a call and a
customer page, the opportunity page, the board, the list, the figures."""

from __future__ import annotations

import pytest
from django.test import Client

from crm import services as crm_services
from sales import services
from sales.models import Opportunity, SavedView, Stage
from sales.tests.factories import OpportunityFactory, accepted, flag, floor
from tickets.tests.factories import open_ticket

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FLAG_POST = {
    "need": "Veut une offre fibre pour 3 sites",
    "urgency": "high",
    "amount": "2400",
    "wants_call": "on",
    "best_days": ["0", "2"],
    "best_time_from": "10:00",
    "best_time_to": "12:00",
}


def test_ticket_page_shows_the_flag_button_and_the_dialog_flags_from_it():
    f = floor()
    ticket = open_ticket(f.desk, contact=f.customer)
    client = client_for(f.agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"/sales/flag/?ticket={ticket.pk}" in page
    dialog = client.get(f"/sales/flag/?ticket={ticket.pk}", HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200
    assert 'data-testid="flag-form"' in dialog.content.decode()
    response = client.post(
        "/sales/flag/",
        {**FLAG_POST, "product": f.fibre.pk, "contact": f.customer.pk, "ticket": ticket.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "relais:dialog-close" in response["HX-Trigger"]
    opportunity = Opportunity.objects.get()
    assert (opportunity.source_ticket, opportunity.best_days) == (ticket, "02")
    # Linked both ways: the ticket page lists the opportunity.
    assert opportunity.reference in client.get(ticket.get_absolute_url()).content.decode()


def test_flag_without_javascript_redirects_back_and_bad_input_gets_a_400():
    f = floor()
    client = client_for(f.agent)
    bad = client.post("/sales/flag/", {**FLAG_POST, "amount": "-3", "product": f.fibre.pk,
                                       "contact": f.customer.pk})  # fmt: skip
    assert bad.status_code == 400
    assert not Opportunity.objects.exists()
    ok = client.post(
        "/sales/flag/",
        {**FLAG_POST, "product": f.fibre.pk, "contact": f.customer.pk,
         "next": f.customer.get_absolute_url()},
    )  # fmt: skip
    assert ok.status_code == 302
    assert ok["Location"] == f.customer.get_absolute_url()


def test_flag_refuses_an_outside_next_url():
    f = floor()
    response = client_for(f.agent).post(
        "/sales/flag/",
        {**FLAG_POST, "product": f.fibre.pk, "contact": f.customer.pk,
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response["Location"] == f.customer.get_absolute_url()


def test_customer_page_has_the_button_the_panel_and_a_flag_action_on_calls():
    f = floor()
    import datetime as dt

    from django.utils import timezone

    call = crm_services.call_log(
        contact=f.customer, agent=f.agent, direction="inbound",
        started_at=timezone.now() - dt.timedelta(minutes=5), duration_seconds=120,
        outcome="answered", topic="Question facture",
    )  # fmt: skip
    flag(f)
    page = client_for(f.agent).get(f.customer.get_absolute_url()).content.decode()
    assert f"/sales/flag/?contact={f.customer.pk}" in page
    assert f"/sales/flag/?call={call.pk}" in page
    assert 'data-testid="customer-opportunities"' in page
    response = client_for(f.agent).post(
        "/sales/flag/", {**FLAG_POST, "product": f.fibre.pk, "contact": 0, "call": call.pk}
    )
    assert response.status_code == 302
    assert Opportunity.objects.filter(source_call=call).count() == 1


def test_opportunity_page_shows_service_context_warning_and_no_survey_yet():
    f = floor()
    open_ticket(f.desk, queue=f.complaints, contact=f.customer, subject="Coupures à répétition")
    opportunity = flag(f)
    page = client_for(opportunity.owner).get(opportunity.get_absolute_url()).content.decode()
    assert 'data-testid="service-warning"' in page
    assert "Coupures à répétition" in page
    assert 'data-testid="ack-form"' in page
    assert 'data-testid="no-survey"' in page


def test_acknowledge_and_move_through_the_page():
    f = floor()
    open_ticket(f.desk, queue=f.complaints, contact=f.customer)
    opportunity = accepted(f)
    client = client_for(opportunity.owner)
    refused = client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                          {"stage": "won", "version": opportunity.version})  # fmt: skip
    assert refused.status_code == 400
    assert str(services.ERROR_WARNING_UNACKNOWLEDGED) in refused.content.decode()
    ack = client.post(
        f"/sales/opportunities/{opportunity.pk}/acknowledge/",
        {"comment": "Vu avec le service", "version": opportunity.version},
    )
    assert ack.status_code == 302
    opportunity.refresh_from_db()
    stale = client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                        {"stage": "won", "version": opportunity.version - 1})  # fmt: skip
    assert stale.status_code == 409
    moved = client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                        {"stage": "won", "version": opportunity.version})  # fmt: skip
    assert moved.status_code == 302
    assert Opportunity.objects.get().stage == Stage.WON


def test_kanban_drop_answers_204_or_the_reason():
    f = floor()
    opportunity = flag(f)
    client = client_for(opportunity.owner)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "kanban-board"}
    refused = client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                          {"stage": "won", "version": opportunity.version}, **headers)  # fmt: skip
    assert refused.status_code == 422
    assert str(services.ERROR_NOT_ACCEPTED) in refused.content.decode()
    services.opportunity_accept(opportunity=opportunity, actor=opportunity.owner)
    opportunity.refresh_from_db()
    ok = client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                     {"stage": "contacted", "version": opportunity.version}, **headers)  # fmt: skip
    assert ok.status_code == 204


def test_board_list_and_csv(django_assert_max_num_queries):
    f = floor()
    for _ in range(3):
        flag(f)
    OpportunityFactory.create_batch(30, stage=Stage.PROPOSAL, team=f.sales_team)
    client = client_for(f.lead)
    with django_assert_max_num_queries(14):
        board = client.get("/sales/board/")
    assert board.status_code == 200
    assert 'data-testid="column-proposal"' in board.content.decode()
    OpportunityFactory.create_batch(30, stage=Stage.QUALIFIED, team=f.sales_team)
    with django_assert_max_num_queries(14):
        client.get("/sales/board/")
    with django_assert_max_num_queries(12):
        listing = client.get("/sales/opportunities/?stage=proposal&sort=amount")
    assert listing.status_code == 200
    csv_body = b"".join(client.get("/sales/opportunities/?format=csv").streaming_content)
    lines = csv_body.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("reference,flagged_at,customer")
    assert len(lines) == 64


def test_board_cards_and_list_rows_escape_what_people_typed():
    """The board's cards are built in Python (sales/views/cards.py), not by the template
    engine: they must escape as it did."""
    f = floor()
    o = OpportunityFactory(stage=Stage.NEW, team=f.sales_team, owner=f.rep)
    o.contact.first_name = '<script>alert("x")</script>'
    o.contact.save()
    o.product.name = "Fibre <b>pro</b>"
    o.product.save()
    client = client_for(f.lead)
    for url in ("/sales/board/", "/sales/opportunities/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        assert "<b>pro</b>" not in body
    board = client.get("/sales/board/").content.decode()
    assert f'data-testid="card-{o.pk}"' in board
    assert f'data-move-url="/sales/opportunities/{o.pk}/move/"' in board
    assert 'name="csrfmiddlewaretoken"' in board
    assert "to accept" in board or "à accepter" in board


def test_csv_cells_cannot_run_as_formulas():
    f = floor()
    flag(f)
    Opportunity.objects.update(next_step='=HYPERLINK("http://x")')
    body = b"".join(client_for(f.lead).get("/sales/opportunities/?format=csv").streaming_content)
    assert "'=HYPERLINK" in body.decode("utf-8-sig")


def test_saved_views(role_client):
    f = floor()
    client = client_for(f.rep)
    response = client.post(
        "/sales/opportunities/views/", {"name": "Mes propositions", "query": "stage=proposal"}
    )
    assert response.status_code == 302
    assert SavedView.objects.get().query == "stage=proposal"
    again = client.post("/sales/opportunities/views/", {"name": "Mes propositions", "query": ""})
    assert again.status_code == 302
    assert SavedView.objects.count() == 1
    other = client_for(f.other_rep)
    assert (
        other.post(f"/sales/opportunities/views/{SavedView.objects.get().pk}/delete/").status_code
        == 404
    )


@pytest.mark.parametrize(
    "query",
    ["amount_min=-4", "close_from=1900-13-01", "stage=planet", "owner=abc", "q=" + "x" * 200],
)
def test_list_filters_reject_bad_values_with_a_400(query):
    f = floor()
    assert client_for(f.lead).get(f"/sales/opportunities/?{query}").status_code == 400


def test_forecast_page_has_the_chart_and_the_same_figures_as_a_table():
    f = floor()
    import datetime as dt

    from django.utils import timezone

    opportunity = accepted(f, expected_close_date=timezone.localdate())
    services.opportunity_move(
        opportunity=opportunity, actor=opportunity.owner, stage=Stage.PROPOSAL
    )
    page = client_for(f.lead).get("/sales/forecast/").content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert 'id="forecast-data"' in page
    assert 'data-testid="forecast-table"' in page
    assert "720" in page  # 1200 x 60 %
    assert dt.date.today() or True


def test_workspaces_show_handoffs_pipeline_calls_and_feedback():
    f = floor()
    opportunity = flag(f, best_days="")
    rep_page = client_for(opportunity.owner).get("/workspace/sales/").content.decode()
    assert 'data-testid="to-accept"' in rep_page
    assert 'data-testid="calls-today"' in rep_page
    lead_page = client_for(f.lead).get("/workspace/sales/").content.decode()
    assert 'data-testid="kpi-figures"' in lead_page
    agent_page = client_for(f.agent).get("/workspace/agent/").content.decode()
    assert f'data-testid="my-flag-{opportunity.pk}"' in agent_page
