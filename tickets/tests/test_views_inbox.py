from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import ngettext

from accounts.roles import Role
from crm.services import tags_resolve
from crm.tests.factories import ContactFactory
from tickets import services
from tickets.forms.inbox import (
    BULK_LIMIT,
    ERROR_BULK_IDS,
    ERROR_BULK_STATUS,
    ERROR_BULK_TARGET,
    ERROR_BULK_TOO_MANY,
    ERROR_FILTER_IGNORED,
    InboxFilterForm,
)
from tickets.models import AgentPresence, Priority, SavedView, Ticket
from tickets.services import ERROR_SAVED_VIEW_TAKEN, ERROR_TRANSITION
from tickets.tests.factories import TicketFactory, open_ticket
from tickets.views.inbox import ERROR_BULK_INVISIBLE, ERROR_BULK_MERGE_ROLE

pytestmark = pytest.mark.django_db

INBOX = reverse("tickets:inbox")
BULK = reverse("tickets:bulk")
OUTSIDE_THE_DESK = [Role.SALES, Role.MARKETING, Role.HR]


def fr(text, **params) -> str:
    """A message as the (French-speaking) user reads it in the page, HTML-escaped."""
    with translation.override("fr"):
        return escape(str(text) % params if params else str(text))


def ignored(field: str) -> str:
    return fr(ERROR_FILTER_IGNORED, field=InboxFilterForm.base_fields[field].label)


def login(client, user):
    client.force_login(user)
    return client


def subjects(response) -> list[str]:
    return [t.subject for t in response.context["rows"]]


def row(desk, subject, **kwargs) -> Ticket:
    """A bare ticket row in the desk's queue (no SLA clock unless given)."""
    kwargs.setdefault("queue", desk.queue)
    return TicketFactory(subject=subject, **kwargs)


# --- Who may use the inbox -----------------------------------------------------------------
@pytest.mark.parametrize("role", OUTSIDE_THE_DESK)
def test_roles_outside_the_desk_are_refused_the_inbox_and_its_actions(role_client, helpdesk, role):
    ticket = open_ticket(helpdesk)
    client = role_client(role)
    assert client.get(INBOX).status_code == 403
    response = client.post(BULK, {"ids": [ticket.pk], "action": "assign", "assignee": "me"})
    assert response.status_code == 403
    assert client.post(reverse("tickets:saved_view_create"), {"name": "x"}).status_code == 403
    assert client.post(reverse("tickets:presence"), {"status": "available"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert not SavedView.objects.exists()
    assert not AgentPresence.objects.exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.IT, Role.ADMIN])
def test_desk_roles_open_the_inbox(role_client, role):
    response = role_client(role).get(INBOX)
    assert response.status_code == 200
    assert 'id="inbox-results"' in response.content.decode()


# --- The views --------------------------------------------------------------------------------
@pytest.fixture
def spread(helpdesk):
    """One ticket per situation, named after it."""
    now = timezone.now()
    return {
        "mine": row(helpdesk, "Alpha mine", assignee=helpdesk.agent),
        "colleague": row(helpdesk, "Bravo colleague", assignee=helpdesk.other_agent),
        "unassigned": row(helpdesk, "Charlie unassigned"),
        "breaching": row(
            helpdesk, "Delta breaching", assignee=helpdesk.other_agent,
            sla_next_due_at=now + dt.timedelta(minutes=30),
        ),
        "far": row(helpdesk, "Echo far deadline", sla_next_due_at=now + dt.timedelta(days=3)),
        "resolved": row(
            helpdesk, "Foxtrot resolved", assignee=helpdesk.agent, status=Ticket.Status.RESOLVED
        ),
        "elsewhere": row(helpdesk, "Golf elsewhere", queue=helpdesk.other_queue),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("mine", {"Alpha mine"}),
        ("team", {"Alpha mine", "Bravo colleague", "Charlie unassigned", "Delta breaching",
                  "Echo far deadline"}),
        ("unassigned", {"Charlie unassigned", "Echo far deadline"}),
        ("breaching", {"Delta breaching"}),
        ("all", {"Alpha mine", "Bravo colleague", "Charlie unassigned", "Delta breaching",
                 "Echo far deadline"}),
    ],
)  # fmt: skip
def test_each_view_shows_the_active_tickets_it_is_about(client, helpdesk, spread, view, expected):
    response = login(client, helpdesk.agent).get(INBOX, {"view": view})
    assert response.status_code == 200
    assert set(subjects(response)) == expected
    html = response.content.decode()
    assert "Golf elsewhere" not in html  # another team's queue
    assert "Foxtrot resolved" not in html  # not active


def test_view_defaults_to_my_tickets_and_tabs_show_counts(client, helpdesk, spread):
    response = login(client, helpdesk.agent).get(INBOX)
    assert subjects(response) == ["Alpha mine"]
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs == {
        "mine": "1", "team": "5", "unassigned": "2", "breaching": "1", "breached": "0", "all": None
    }  # fmt: skip


def test_tab_badges_are_capped_at_999(client, helpdesk):
    Ticket.objects.bulk_create(
        Ticket(subject=f"Bulk {i}", queue=helpdesk.queue, team=helpdesk.team,
               requester_user=helpdesk.agent, status=Ticket.Status.OPEN)
        for i in range(1001)
    )  # fmt: skip
    response = login(client, helpdesk.agent).get(INBOX, {"view": "unassigned"})
    tabs = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["unassigned"] == "999+"
    html = response.content.decode()
    assert ">999+<" in html
    # The list is not counted past the cap either: "1000+", and next without a last page.
    assert response.context["total_capped"] is True
    assert "1000+" in html
    assert len(response.context["rows"]) == 50
    assert response.context["next_url"] is not None
    assert response.context["num_pages"] is None


def test_supervisor_sees_every_queue_and_outsider_sees_none_of_this_one(client, helpdesk, spread):
    everything = login(client, helpdesk.supervisor).get(INBOX, {"view": "all"})
    assert "Golf elsewhere" in subjects(everything)
    outsider = login(client, helpdesk.outsider).get(INBOX, {"view": "all"})
    assert subjects(outsider) == ["Golf elsewhere"]


def test_status_all_includes_finished_tickets(client, helpdesk, spread):
    response = login(client, helpdesk.agent).get(INBOX, {"view": "mine", "status": "all"})
    assert set(subjects(response)) == {"Alpha mine", "Foxtrot resolved"}
    response = client.get(INBOX, {"view": "mine", "status": "resolved"})
    assert subjects(response) == ["Foxtrot resolved"]


# --- Filters and sort -------------------------------------------------------------------------
def test_filters_narrow_the_list(client, helpdesk):
    urgent = row(helpdesk, "Urgent phone", priority=Priority.URGENT, channel=Ticket.Channel.PHONE)
    tagged = row(helpdesk, "Tagged chat", channel=Ticket.Channel.CHAT)
    tagged.tags.set(tags_resolve(names=["fibre"]))
    row(helpdesk, "Plain email", assignee=helpdesk.other_agent)
    login(client, helpdesk.agent)

    def only(**params):
        return subjects(client.get(INBOX, {"view": "all", **params}))

    assert only(priority=Priority.URGENT) == ["Urgent phone"]
    assert only(channel="chat") == ["Tagged chat"]
    assert only(tag="fibre") == ["Tagged chat"]
    assert only(assignee=helpdesk.other_agent.pk) == ["Plain email"]
    assert only(queue=helpdesk.queue.pk, q="phone") == ["Urgent phone"]
    assert only(q=urgent.number) == ["Urgent phone"]
    assert only(q=str(urgent.pk)) == ["Urgent phone"]


def test_search_by_email_finds_the_customers_tickets_once(client, helpdesk):
    zoe = ContactFactory(emails=["zoe@example.fr", "zoe@perso.fr"])
    row(helpdesk, "Message de zoe@example.fr", contact=zoe)
    row(helpdesk, "Autre demande", contact=zoe)
    row(helpdesk, "Quelqu'un d'autre")
    response = login(client, helpdesk.agent).get(INBOX, {"view": "all", "q": "ZOE@example.fr"})
    assert sorted(subjects(response)) == ["Autre demande", "Message de zoe@example.fr"]


def test_sort_by_priority_then_by_deadline(client, helpdesk):
    now = timezone.now()
    row(helpdesk, "Low late", priority=Priority.LOW, sla_next_due_at=now + dt.timedelta(hours=9))
    row(helpdesk, "Urgent", priority=Priority.URGENT, sla_next_due_at=now + dt.timedelta(hours=5))
    row(helpdesk, "Normal soon", priority=Priority.NORMAL,
        sla_next_due_at=now + dt.timedelta(hours=1))  # fmt: skip
    login(client, helpdesk.agent)
    by_priority = client.get(INBOX, {"view": "all", "sort": "priority"})
    assert subjects(by_priority) == ["Urgent", "Normal soon", "Low late"]
    by_due = client.get(INBOX, {"view": "all", "sort": "due"})
    assert subjects(by_due) == ["Normal soon", "Urgent", "Low late"]
    # The column header sorts too, and says which way.
    assert 'aria-sort="ascending"' in by_due.content.decode()


def test_oldest_first_reverses_the_activity_order(client, helpdesk):
    now = timezone.now()
    row(helpdesk, "Older", updated_at=now - dt.timedelta(days=2))
    row(helpdesk, "Newer", updated_at=now)
    login(client, helpdesk.agent)
    assert subjects(client.get(INBOX, {"view": "all"})) == ["Newer", "Older"]
    assert subjects(client.get(INBOX, {"view": "all", "sort": "-updated"})) == ["Older", "Newer"]


# --- Bad input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"view": "everything"}, "view"),
        ({"sort": "subject; DROP TABLE"}, "sort"),
        ({"status": "bogus"}, "status"),
        ({"priority": "9"}, "priority"),
        ({"priority": "high"}, "priority"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "99999999999999999999"}, "page"),
        ({"channel": "pigeon"}, "channel"),
        ({"assignee": "nobody"}, "assignee"),
        ({"tag": "x" * 60}, "tag"),
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(client, helpdesk, params, field):
    row(helpdesk, "Still listed", assignee=helpdesk.agent)
    response = login(client, helpdesk.agent).get(INBOX, params)
    assert response.status_code == 200
    assert ignored(field) in response.content.decode()
    assert subjects(response) == ["Still listed"]


def test_a_queue_the_user_cannot_see_is_not_a_filter(client, helpdesk, spread):
    response = login(client, helpdesk.agent).get(
        INBOX, {"view": "all", "queue": helpdesk.other_queue.pk}
    )
    assert response.status_code == 200
    assert ignored("queue") in response.content.decode()
    assert "Golf elsewhere" not in subjects(response)


def test_a_huge_search_is_trimmed_not_refused(client, helpdesk):
    row(helpdesk, "Box en panne", assignee=helpdesk.agent)
    response = login(client, helpdesk.agent).get(INBOX, {"q": "Box" + " " * 10 + "x" * 5000})
    assert response.status_code == 200
    assert response.context["values"]["q"] == ("Box" + " " * 10 + "x" * 5000)[:200]
    assert response.context["rows"] == []


def test_a_nul_byte_in_the_search_is_a_clear_bad_request(client, helpdesk):
    response = login(client, helpdesk.agent).get(INBOX, {"q": "box\x00"})
    assert response.status_code == 400


def test_a_page_past_the_end_says_it_is_empty(client, helpdesk):
    row(helpdesk, "Only one", assignee=helpdesk.agent)
    from tickets.views.inbox import ERROR_PAGE_EMPTY

    response = login(client, helpdesk.agent).get(INBOX, {"page": "7"})
    assert response.status_code == 200
    assert fr(ERROR_PAGE_EMPTY) in response.content.decode()


# --- Paging, htmx, query count -----------------------------------------------------------------
def _busy_desk(desk, n: int) -> None:
    now = timezone.now()
    fibre, box = tags_resolve(names=["fibre", "box"])
    policy = desk.queue.sla_policies.get(priority=Priority.NORMAL)
    for i in range(n):
        ticket = row(
            desk, f"Ticket {i:03d}", assignee=desk.agent if i % 2 else None,
            priority=Priority.NORMAL, sla_policy=policy,
            sla_next_due_at=now + dt.timedelta(hours=i % 5 + 1),
            updated_at=now - dt.timedelta(minutes=i),
        )  # fmt: skip
        ticket.tags.set([fibre, box] if i % 3 else [fibre])


@pytest.mark.parametrize("count", [5, 60])
def test_inbox_query_count_does_not_grow_with_the_tickets(
    client, helpdesk, django_assert_max_num_queries, count
):
    _busy_desk(helpdesk, count)
    login(client, helpdesk.agent)
    with django_assert_max_num_queries(20):
        response = client.get(INBOX, {"view": "team"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 50)
    with django_assert_max_num_queries(20):
        partial = client.get(INBOX, {"view": "team"}, HTTP_HX_REQUEST="true")
    assert partial.content.decode().count('class="ticket-row"') == min(count, 50)


def test_second_page_holds_the_rest_and_links_back(client, helpdesk):
    _busy_desk(helpdesk, 60)
    login(client, helpdesk.agent)
    first = client.get(INBOX, {"view": "team"})
    assert first.context["num_pages"] == 2
    assert first.context["next_url"] == "?view=team&page=2"
    second = client.get(INBOX, {"view": "team", "page": 2})
    assert len(second.context["rows"]) == 10
    assert second.context["previous_url"] == "?view=team"
    assert not set(subjects(first)) & set(subjects(second))


def test_htmx_request_gets_only_the_results(client, helpdesk, spread):
    response = login(client, helpdesk.agent).get(
        INBOX, {"view": "unassigned"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="inbox-filters"' not in html
    assert html.lstrip().startswith('<div id="inbox-results"')
    assert "Charlie unassigned" in html
    assert "Alpha mine" not in html
    # Polling replays this very view, and pauses while tickets are ticked.
    assert 'hx-get="/tickets/?view=unassigned"' in html
    assert "every 30s [!document.querySelector('.ticket-select:checked')]" in html
    assert "HX-Request" in response["Vary"]


def test_full_page_has_shortcuts_help_and_script(client, helpdesk):
    html = login(client, helpdesk.agent).get(INBOX).content.decode()
    assert 'id="shortcuts-help"' in html
    assert "tickets/inbox.js" in html
    # Every htmx link also works as a plain link.
    for tag in re.findall(r"<a [^>]*hx-get=[^>]*>", html):
        assert "href=" in tag, tag


def test_sla_badge_says_breached_soon_ok_or_paused(client, helpdesk):
    now = timezone.now()
    policy = helpdesk.queue.sla_policies.get(priority=Priority.NORMAL)  # warns 30 min before
    row(helpdesk, "Late", sla_policy=policy, sla_next_due_at=now - dt.timedelta(minutes=5))
    row(helpdesk, "Soon", sla_policy=policy, sla_next_due_at=now + dt.timedelta(minutes=10))
    row(helpdesk, "Fine", sla_policy=policy, sla_next_due_at=now + dt.timedelta(hours=5))
    row(helpdesk, "Waiting", status=Ticket.Status.PENDING_CUSTOMER, sla_paused_at=now)
    html = login(client, helpdesk.agent).get(INBOX, {"view": "all"}).content.decode()
    for state in ("breached", "soon", "ok", "paused"):
        assert f'data-sla="{state}"' in html


# --- Bulk actions ---------------------------------------------------------------------------
def test_bulk_assign_to_me_and_back_to_the_filtered_inbox(client, helpdesk):
    tickets = [open_ticket(helpdesk, subject=f"Box {i}") for i in range(3)]
    response = login(client, helpdesk.agent).post(
        BULK,
        {"ids": [t.pk for t in tickets], "action": "assign", "assignee": "me",
         "query": "view=unassigned&priority=2&evil=1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?view=unassigned&priority=2"
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {helpdesk.agent.pk}
    page = client.get(response["Location"]).content.decode()
    message = ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", 3)
    assert fr(message, count=3) in page


def test_bulk_unassign_priority_and_tag(client, helpdesk):
    ticket = open_ticket(helpdesk, assignee=helpdesk.agent)
    login(client, helpdesk.agent)
    client.post(BULK, {"ids": [ticket.pk], "action": "priority", "priority": Priority.URGENT})
    client.post(BULK, {"ids": [ticket.pk], "action": "tag", "tag": "rappel"})
    client.post(BULK, {"ids": [ticket.pk], "action": "assign", "assignee": "none"})
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert list(ticket.tags.values_list("name", flat=True)) == ["rappel"]
    assert ticket.assignee is None


def test_bulk_assign_to_a_colleague_of_another_team_is_refused_per_ticket(client, helpdesk):
    ticket = open_ticket(helpdesk)
    response = login(client, helpdesk.agent).post(
        BULK,
        {"ids": [ticket.pk], "action": "assign", "assignee": str(helpdesk.outsider.pk)},
        follow=True,
    )
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert escape(ticket.number) in response.content.decode()


def test_bulk_status_reports_an_invalid_transition_and_changes_the_others(client, helpdesk):
    new = open_ticket(helpdesk, subject="Nouveau")
    resolved = open_ticket(helpdesk, subject="Résolu")
    services.ticket_change_status(ticket=resolved, status=Ticket.Status.RESOLVED, actor=None)
    response = login(client, helpdesk.agent).post(
        BULK, {"ids": [new.pk, resolved.pk], "action": "status", "status": "closed"}, follow=True
    )
    new.refresh_from_db()
    resolved.refresh_from_db()
    assert new.status == Ticket.Status.NEW
    assert resolved.status == Ticket.Status.CLOSED
    html = response.content.decode()
    assert new.number in html
    with translation.override("fr"):
        reason = str(ERROR_TRANSITION) % {
            "old": Ticket.Status.NEW.label, "new": Ticket.Status.CLOSED.label
        }  # fmt: skip
    assert escape(reason) in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"ids": ["1", "abc"], "action": "assign", "assignee": "me"}, fr(ERROR_BULK_IDS)),
        ({"ids": ["-3"], "action": "assign", "assignee": "me"}, fr(ERROR_BULK_IDS)),
        ({"ids": [str(i) for i in range(1, BULK_LIMIT + 2)], "action": "assign",
          "assignee": "me"}, fr(ERROR_BULK_TOO_MANY, limit=BULK_LIMIT)),
        ({"action": "status", "status": ""}, fr(ERROR_BULK_STATUS)),
    ],
)  # fmt: skip
def test_bad_bulk_input_is_explained_and_writes_nothing(client, helpdesk, data, error):
    ticket = open_ticket(helpdesk)
    data = dict(data)
    data.setdefault("ids", [ticket.pk])
    data["ids"] = [str(ticket.pk) if i == "1" else i for i in data["ids"]]
    version = ticket.version
    response = login(client, helpdesk.agent).post(BULK, data, follow=True)
    assert error in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.version, ticket.assignee, ticket.status) == (version, None, Ticket.Status.NEW)


def test_bulk_with_a_ticket_of_an_invisible_queue_writes_nothing(client, helpdesk):
    mine = open_ticket(helpdesk)
    theirs = open_ticket(helpdesk, queue=helpdesk.other_queue)
    response = login(client, helpdesk.agent).post(
        BULK, {"ids": [mine.pk, theirs.pk], "action": "assign", "assignee": "me"}, follow=True
    )
    assert fr(ERROR_BULK_INVISIBLE) in response.content.decode()
    assert not Ticket.objects.filter(assignee__isnull=False).exists()


def test_bulk_tag_with_a_nul_byte_is_refused(client, helpdesk):
    ticket = open_ticket(helpdesk)
    response = login(client, helpdesk.agent).post(
        BULK, {"ids": [ticket.pk], "action": "tag", "tag": "fib\x00re"}, follow=True
    )
    assert response.status_code == 200
    assert not ticket.tags.exists()


def test_bulk_by_htmx_redraws_the_results_with_the_outcome(client, helpdesk):
    ticket = open_ticket(helpdesk, subject="Sans agent")
    response = login(client, helpdesk.agent).post(
        BULK,
        {"ids": [ticket.pk], "action": "assign", "assignee": "me", "query": "view=mine"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="inbox-results"' in html
    assert "Sans agent" in html  # now in "mine"
    message = ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", 1)
    assert fr(message, count=1) in html
    refused = client.post(BULK, {"ids": ["x"], "action": "assign"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert fr(ERROR_BULK_IDS) in refused.content.decode()


def test_supervisor_merges_the_selection_into_the_chosen_ticket(client, helpdesk):
    target, a, b = (open_ticket(helpdesk, subject=s) for s in ("Cible", "Doublon A", "Doublon B"))
    login(client, helpdesk.supervisor).post(
        BULK, {"ids": [a.pk, target.pk, b.pk], "action": "merge", "target": target.number}
    )
    for source in (a, b):
        source.refresh_from_db()
        assert (source.status, source.merged_into_id) == (Ticket.Status.CLOSED, target.pk)
    target.refresh_from_db()
    assert target.status != Ticket.Status.CLOSED


def test_merge_is_refused_to_agents_and_outside_the_selection(client, helpdesk):
    target, a, other = (open_ticket(helpdesk) for _ in range(3))
    data = {"ids": [a.pk, target.pk], "action": "merge", "target": target.number}
    agent = login(client, helpdesk.agent).post(BULK, data, follow=True)
    assert fr(ERROR_BULK_MERGE_ROLE) in agent.content.decode()
    outside = login(client, helpdesk.supervisor).post(
        BULK, {**data, "target": str(other.pk)}, follow=True
    )
    assert fr(ERROR_BULK_TARGET) in outside.content.decode()
    assert not Ticket.objects.filter(merged_into__isnull=False).exists()


# --- Saved views ----------------------------------------------------------------------------
def test_saved_view_keeps_the_filters_and_is_listed_as_a_link(client, helpdesk):
    login(client, helpdesk.agent)
    response = client.post(
        reverse("tickets:saved_view_create"),
        {"name": "  Urgent   fibre ", "query": "view=team&priority=4&page=3&tag=fibre&x=1"},
    )
    assert response.status_code == 302
    view = SavedView.objects.get(owner=helpdesk.agent)
    assert view.name == "Urgent fibre"
    assert view.query == "view=team&priority=4&tag=fibre"
    html = client.get(INBOX).content.decode()
    assert f'href="{INBOX}?view=team&amp;priority=4&amp;tag=fibre"' in html


def test_saved_view_name_must_be_new_and_present(client, helpdesk):
    login(client, helpdesk.agent)
    url = reverse("tickets:saved_view_create")
    client.post(url, {"name": "Mes urgences", "query": "view=mine"})
    again = client.post(url, {"name": "Mes urgences", "query": "view=team"}, follow=True)
    assert fr(ERROR_SAVED_VIEW_TAKEN) in again.content.decode()
    client.post(url, {"name": "   ", "query": "view=team"})
    client.post(url, {"name": "nul\x00", "query": "view=team"})
    assert list(SavedView.objects.values_list("name", "query")) == [("Mes urgences", "view=mine")]


def test_only_the_owner_deletes_a_saved_view(client, helpdesk):
    view = services.saved_view_create(owner=helpdesk.other_agent, name="À moi", query="view=mine")
    url = reverse("tickets:saved_view_delete", args=[view.pk])
    assert login(client, helpdesk.agent).post(url).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    response = login(client, helpdesk.other_agent).post(url)
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


# --- Presence -------------------------------------------------------------------------------
def test_presence_is_set_from_the_inbox_header(client, helpdesk):
    login(client, helpdesk.agent)
    html = client.get(INBOX).content.decode()
    assert '<option value="away" selected>' in html  # nobody is available by default
    response = client.post(reverse("tickets:presence"), {"status": "busy"})
    assert response.status_code == 302
    assert AgentPresence.objects.get(user=helpdesk.agent).status == "busy"
    fragment = client.post(
        reverse("tickets:presence"), {"status": "available"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert '<option value="available" selected>' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert AgentPresence.objects.get(user=helpdesk.agent).status == "available"


def test_unknown_presence_is_refused_and_nothing_changes(client, helpdesk):
    services.presence_set(user=helpdesk.agent, status="available")
    login(client, helpdesk.agent)
    response = client.post(
        reverse("tickets:presence"), {"status": "asleep"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert AgentPresence.objects.get(user=helpdesk.agent).status == "available"


# --- The workspace panel --------------------------------------------------------------------
def test_my_tickets_panel_on_the_agent_workspace(client, helpdesk, spread):
    html = (
        login(client, helpdesk.agent)
        .get(reverse("accounts:workspace", args=["agent"]))
        .content.decode()
    )
    assert "Alpha mine" in html
    assert "Bravo colleague" not in html
    assert reverse("tickets:detail", args=[spread["mine"].pk]) in html
    assert f"{INBOX}?view=unassigned" in html
