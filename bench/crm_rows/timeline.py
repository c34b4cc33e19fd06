"""Timeline rows and the notes, calls and consents they point to."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime

from crm import timeline

from .plan import (
    _SPREAD_WEIGHT_CAP,
    _WINDOW_SECONDS,
    ContactsBuild,
    CrmPlan,
    OrganisationsBuild,
    Row,
    SourceTypes,
    Table,
)
from .vocabulary import (
    _CALL_OUTCOME_WEIGHTS,
    _CHANNEL_FR,
    _OUTCOME_FR,
    _SPREAD_KIND_WEIGHTS,
    _SPREAD_KINDS,
    CALL_OUTCOMES,
    CALL_TOPICS,
    CONSENT_CHANNELS,
    CONSENT_SOURCES,
    IMPORT_FILES,
    NOTES_EN,
    NOTES_FR,
    _moment,
)

ACTIVITY_COLUMNS = (
    "id", "contact_id", "organisation_id", "kind", "occurred_at", "actor_id", "summary",
    "source_type_id", "source_id",
)  # fmt: skip
NOTE_COLUMNS = ("id", "contact_id", "author_id", "body", "created_at")
CALL_COLUMNS = (
    "id", "contact_id", "agent_id", "direction", "number", "started_at", "duration_seconds",
    "talk_seconds", "hold_seconds", "after_call_seconds", "outcome", "topic", "created_at",
)  # fmt: skip
CONSENT_COLUMNS = (
    "id", "contact_id", "channel", "status", "recorded_at", "source", "proof",
    "recorded_by_id",
)  # fmt: skip


def _timeline_events(
    plan: CrmPlan, contacts: ContactsBuild, rng: random.Random
) -> Iterator[tuple[int | None, str, int]]:
    """(contact index or None for an organisation row, kind, seconds into the window)."""
    for index in range(plan.organisations):
        yield None, timeline.ORGANISATION_CREATED, index
    for index in range(plan.contacts):
        yield index, timeline.CONTACT_CREATED, contacts.created_seconds[index]
    heavy_index = plan.heavy_contact_id - 1

    def later_than(index: int) -> int:
        start = contacts.created_seconds[index]
        return start + int(rng.random() * (_WINDOW_SECONDS - start))

    weights = [min(rng.paretovariate(1.3), _SPREAD_WEIGHT_CAP) for _ in range(plan.contacts)]
    weights[heavy_index] = 0.0
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def everyone_else() -> Iterator[tuple[int, str]]:
        population = range(plan.contacts)
        left = plan.spread_activities
        while left:
            chunk = min(left, 50_000)
            chosen = rng.choices(population, cum_weights=cumulative, k=chunk)
            kinds = rng.choices(_SPREAD_KINDS, _SPREAD_KIND_WEIGHTS, k=chunk)
            yield from zip(chosen, kinds, strict=True)
            left -= chunk

    # The heavy contact's rows are interleaved with everyone else's, as years of appends
    # leave them on disk, rather than written (and stored) together.
    heavy_rows = plan.heavy_contact_activities - 1
    slots = heavy_rows + plan.spread_activities
    heavy_slots = set(rng.sample(range(slots), heavy_rows))
    others = everyone_else()
    for slot in range(slots):
        if slot in heavy_slots:
            kind = rng.choices(_SPREAD_KINDS, _SPREAD_KIND_WEIGHTS)[0]
            yield heavy_index, kind, later_than(heavy_index)
        else:
            index, kind = next(others)
            yield index, kind, later_than(index)


def iter_timeline_batches(
    plan: CrmPlan,
    organisations: OrganisationsBuild,
    contacts: ContactsBuild,
    *,
    staff_ids: Sequence[int],
    source_types: SourceTypes,
    batch_size: int = 100_000,
) -> Iterator[list[Table]]:
    """Timeline rows with the notes, calls and consents they record, in batches of about
    `batch_size` timeline rows (one Table per model per batch).

    Organisation rows are denormalised from the contact, as crm.services.activity_record
    does; call, note and consent rows are linked through source_type/source_id.
    """
    rng = plan.rng("timeline")
    next_id = {"activity": 1, "note": 1, "call": 1, "consent": 1}

    def new_batch() -> list[Table]:
        return [
            Table("crm.Activity", ACTIVITY_COLUMNS),
            Table("crm.Note", NOTE_COLUMNS),
            Table("crm.Call", CALL_COLUMNS),
            Table("crm.Consent", CONSENT_COLUMNS),
        ]

    batch = new_batch()
    activities, notes, calls, consents = (table.rows for table in batch)
    for contact_index, kind, seconds in _timeline_events(plan, contacts, rng):
        when = _moment(seconds)
        actor = rng.choice(staff_ids) if staff_ids and rng.random() < 0.85 else None
        source_type: int | None = None
        source_id: int | None = None
        if contact_index is None:
            organisation_id = seconds + 1  # organisation rows carry their index
            when = organisations.created_at[seconds]
            contact_id = None
            summary = "Organisation créée"
            source_type, source_id = source_types.organisation, organisation_id
        else:
            contact_id = contact_index + 1
            organisation_id = contacts.organisation_ids[contact_index]
            french = contacts.french[contact_index]
            if kind == timeline.CONTACT_CREATED:
                summary = "Contact créé"
                source_type, source_id = source_types.contact, contact_id
            elif kind == timeline.CALL:
                source_id = next_id["call"]
                next_id["call"] += 1
                source_type = source_types.call
                summary = _call_row(calls, rng, source_id, contact_id, actor, when, contacts)
            elif kind == timeline.NOTE:
                source_id = next_id["note"]
                next_id["note"] += 1
                source_type = source_types.note
                body = rng.choice(NOTES_FR if french else NOTES_EN)
                notes.append((source_id, contact_id, actor, body, when))
                summary = body
            elif kind == timeline.CONSENT:
                source_id = next_id["consent"]
                next_id["consent"] += 1
                source_type = source_types.consent
                channel = rng.choice(CONSENT_CHANNELS)
                status = "given" if rng.random() < 0.8 else "withdrawn"
                source = rng.choice(CONSENT_SOURCES)
                consents.append(
                    (source_id, contact_id, channel, status, when, source,
                     "J'accepte d'être contacté(e) pour les offres Relais.", actor)
                )  # fmt: skip
                summary = (
                    f"Consentement {_CHANNEL_FR[channel]} "
                    f"{'donné' if status == 'given' else 'retiré'} ({source})"
                )
            elif kind == timeline.IMPORTED:
                summary = f"Importé depuis {rng.choice(IMPORT_FILES)}"
            else:
                summary = f"Doublon #{rng.randrange(1, plan.contacts + 1)} fusionné dans ce contact"
        activities.append(
            (next_id["activity"], contact_id, organisation_id, kind, when, actor, summary,
             source_type, source_id)
        )  # fmt: skip
        next_id["activity"] += 1
        if len(activities) >= batch_size:
            yield batch
            batch = new_batch()
            activities, notes, calls, consents = (table.rows for table in batch)
    if activities:
        yield batch


def _call_row(
    calls: list[Row],
    rng: random.Random,
    pk: int,
    contact_id: int,
    agent_id: int | None,
    when: datetime,
    contacts: ContactsBuild,
) -> str:
    duration = max(15, min(3600, int(rng.lognormvariate(5.3, 0.7))))
    talk = int(duration * rng.uniform(0.6, 0.95))
    hold = min(duration - talk, rng.randint(0, 60))
    outcome = rng.choices(CALL_OUTCOMES, _CALL_OUTCOME_WEIGHTS)[0]
    inbound = rng.random() < 0.7
    topic = rng.choice(CALL_TOPICS)
    calls.append(
        (pk, contact_id, agent_id, "inbound" if inbound else "outbound",
         contacts.mobiles[contact_id - 1], when, duration, talk, hold, rng.randint(10, 120),
         outcome, topic, when)
    )  # fmt: skip
    minutes, seconds = divmod(duration, 60)
    direction = "Appel entrant" if inbound else "Appel sortant"
    return f"{direction}, {minutes} min {seconds:02d} s, {_OUTCOME_FR[outcome]} · {topic}"
