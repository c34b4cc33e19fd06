from __future__ import annotations

import pytest

from .factories import mail_desk


@pytest.fixture
def maildesk(db):
    return mail_desk()


from .servers import imap_server, smtp_server  # noqa: E402, F401 - fixtures
