from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from crm.tests.factories import ContactFactory
from telephony import signing
from telephony.models import AgentExtension, PhoneLine
from tickets.tests.factories import Desk, desk

SECRET = "test-telephony-secret"
LINE = "+33180000001"
CUSTOMER_MOBILE = "+33612345678"


@pytest.fixture(autouse=True)
def _secret(settings: Any) -> None:
    settings.TELEPHONY_WEBHOOK_SECRETS = ["old-rotated-secret", SECRET]


@dataclass
class Phone:
    desk: Desk
    line: PhoneLine
    agent: User
    platform: User
    client: APIClient
    start: dt.datetime

    def post(
        self,
        payload: Any,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        body = raw if raw is not None else json.dumps(payload).encode()
        signed = signing.sign(body, secret, timestamp)
        if headers is not None:
            signed = headers
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in signed.items()}
        return self.client.post(
            "/api/v1/telephony/events/", data=body, content_type="application/json", **extra
        )

    def event(self, kind: str, call_id: str = "call-1", seconds: int = 0, **fields: Any) -> Any:
        at = self.start + dt.timedelta(seconds=seconds)
        payload: dict[str, Any] = {"event": kind, "call_id": call_id, "occurred_at": at.isoformat()}
        payload.update(fields)
        return self.post(payload)


@pytest.fixture
def phone(db: Any) -> Phone:
    the_desk = desk()
    line = PhoneLine.objects.create(number=LINE, label="Service client", queue=the_desk.queue)
    AgentExtension.objects.create(user=the_desk.agent, extension="201")
    platform = UserFactory(roles=[Role.INTEGRATION], email="pbx@relais.example")
    client = APIClient()
    token = Token.objects.create(user=platform)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    return Phone(the_desk, line, the_desk.agent, platform, client, start)


@pytest.fixture
def customer(db: Any) -> Any:
    return ContactFactory(first_name="Julie", last_name="Lefèvre", phones=[CUSTOMER_MOBILE])


def first(caller: str = CUSTOMER_MOBILE, dialled: str = LINE) -> dict[str, str]:
    return {"caller": caller, "dialled": dialled}


@pytest.fixture
def ring(phone: Phone) -> Callable[..., Any]:
    """A call that queued then rang at the agent: returns the ringing response."""

    def make(call_id: str = "call-1", caller: str = CUSTOMER_MOBILE) -> Any:
        assert phone.event("queued", call_id, 0, **first(caller)).status_code == 201
        return phone.event("ringing", call_id, 5, agent_extension="201")

    return make
