from __future__ import annotations

import pytest

from triage.policies import policy_forget


@pytest.fixture(autouse=True)
def _fresh_policies():
    policy_forget()
    yield
    policy_forget()
