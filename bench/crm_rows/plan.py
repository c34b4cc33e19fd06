"""The generation window and rates, `CrmPlan`, the COPY `Table`, the build results."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# A fixed window, not "now": the same seed must give the same rows next year too.
WINDOW_END = datetime(2025, 10, 1, tzinfo=UTC)
WINDOW_DAYS = 3 * 365
WINDOW_START = WINDOW_END - timedelta(days=WINDOW_DAYS)
_WINDOW_SECONDS = WINDOW_DAYS * 86_400

ORGANISATION_ATTACH_RATE = 0.70
FRENCH_RATE = 0.75
# Other contacts' activity counts follow a heavy-tailed law, capped well below the heavy
# contact so that it stays the one outlier the benchmark is about.
_SPREAD_WEIGHT_CAP = 40.0

Row = tuple[Any, ...]


@dataclass(frozen=True)
class CrmPlan:
    organisations: int = 20_000
    contacts: int = 100_000
    activities: int = 2_000_000
    heavy_contact_activities: int = 50_000
    seed: int = 42

    def __post_init__(self) -> None:
        if self.organisations < 1 or self.contacts < 2:
            raise ValueError("Need at least 1 organisation and 2 contacts.")
        if self.heavy_contact_activities < 1:
            raise ValueError("The heavy contact needs at least one activity.")
        if self.spread_activities < 0:
            minimum = self.organisations + self.contacts - 1 + self.heavy_contact_activities
            raise ValueError(
                f"--activities must be at least {minimum}: one row per organisation and per "
                "contact (their creation), plus the heavy contact's history."
            )

    @property
    def heavy_contact_id(self) -> int:
        return self.contacts // 2 + 1

    @property
    def spread_activities(self) -> int:
        """Activities left once every organisation and contact has its creation row and
        the heavy contact its whole history; spread over the other contacts."""
        return (
            self.activities
            - self.organisations
            - self.contacts
            - (self.heavy_contact_activities - 1)
        )

    def rng(self, purpose: str) -> random.Random:
        # String seeds are hashed with SHA-512 by `random`: stable across processes.
        return random.Random(f"relais-bench:{self.seed}:{purpose}")


@dataclass
class Table:
    """Rows for one model, as tuples in the order of `columns` (field attnames)."""

    model: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SourceTypes:
    """ContentType ids of the models timeline rows point to."""

    organisation: int
    contact: int
    note: int
    call: int
    consent: int


@dataclass
class OrganisationsBuild:
    organisations: Table
    organisation_tags: Table
    names: list[str]
    domains: list[str]
    created_at: list[datetime]


@dataclass
class ContactsBuild:
    tags: Table
    contacts: Table
    emails: Table
    phones: Table
    external_ids: Table
    contact_tags: Table
    # Per contact (index = id - 1): what the timeline rows need.
    organisation_ids: list[int | None]
    created_seconds: list[int]
    mobiles: list[str]
    french: list[bool]

    def tables(self) -> list[Table]:
        return [
            self.tags,
            self.contacts,
            self.emails,
            self.phones,
            self.external_ids,
            self.contact_tags,
        ]
