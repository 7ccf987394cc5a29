"""A whole team hears of every change of its ticket, once each, in their own language; co-proposers read it."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from services.implementation.notifications.mailer import SmtpMailer
from services.implementation.notifications.models import NotificationJob
from services.implementation.notifications.service import record_job
from services.implementation.tests.factories import proposer
from services.implementation.tests.helpers import open_ticket, outbox
from services.implementation.tests.notifications.test_jobs import send_email_job, settings_for
from shared.auth import Role
from shared.db import unit_of_work
from shared.events import NotificationRequested, parse_event

TEAM = [
    proposer(name="Siti Rahmawati", email="siti@example.go.id"),
    proposer(name="Budi Santoso", email="budi@example.go.id", nip="199001012015031001"),
    proposer(name="Rina Wulandari", email="rina@example.go.id", nip="199205052017042002"),
]


def _open_team_ticket(runtime: Any) -> uuid.UUID:
    ticket_id, _ = open_ticket(runtime.session_factory, person=TEAM[0], co_proposers=TEAM[1:])
    return ticket_id


def _deliver_all(runtime: Any) -> int:
    """Run every published notification through the production consumer, twice (a redelivery); returns how many."""
    from services.implementation.worker import handle_notification_event

    with runtime.session_factory() as session:
        bodies = outbox(session, "notification.requested.v1")
    outcomes = [handle_notification_event.run(event=body) for body in bodies for _ in range(2)]
    assert outcomes == ["handled", "duplicate"] * len(bodies)
    return len(bodies)


def test_co_proposers_read_their_teams_ticket_and_strangers_do_not(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id = _open_team_ticket(implementation_runtime)
    for member in TEAM:
        me = tokens(Role.PARTICIPANT, user_id=member.user_id)
        one = client.get(f"/api/v1/tickets/{ticket_id}", headers=me)
        assert one.status_code == 200
        assert [p["name"] for p in one.json()["co_proposers"]] == ["Budi Santoso", "Rina Wulandari"]
        assert [t["id"] for t in client.get("/api/v1/tickets", headers=me).json()["items"]] == [str(ticket_id)]
    stranger = tokens(Role.PARTICIPANT)
    assert client.get(f"/api/v1/tickets/{ticket_id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/tickets", headers=stranger).json()["items"] == []


def test_every_member_hears_each_ticket_change_exactly_once(
    implementation_runtime: Any, client: TestClient, tokens: Any
) -> None:
    ticket_id = _open_team_ticket(implementation_runtime)
    agency = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    committee = tokens(Role.COMMITTEE)
    base = f"/api/v1/tickets/{ticket_id}"
    steps = [
        client.post(f"{base}/transitions", headers=agency, json={"to": "accepted"}),
        client.post(f"{base}/milestones", headers=agency, json={"title": "Jadwal 17 desa", "due_date": "2027-01-31"}),
        client.post(f"{base}/transitions", headers=agency, json={"to": "in_progress"}),
        client.post(f"{base}/updates", headers=agency, json={"body": "42 warga terlayani", "percent_complete": 40}),
        client.put(
            f"{base}/impact",
            headers=agency,
            json={"baseline_cost_per_year_rp": 60_000_000, "measured_cost_per_year_rp": 30_000_000},
        ),
        client.post(f"{base}/reassign", headers=committee, json={"agency_code": "DISKOMINFO", "reason": "Aplikasi"}),
    ]
    assert [r.status_code for r in steps] == [200, 201, 200, 201, 200, 200], [r.text for r in steps]
    _deliver_all(implementation_runtime)
    expected = sorted(
        [
            "ticket_created",
            "ticket_status_changed",
            "milestone_changed",
            "ticket_status_changed",
            "progress_updated",
            "impact_recorded",
            "ticket_reassigned",
        ]
    )
    for member in TEAM:
        page = client.get("/api/v1/notifications", headers=tokens(Role.PARTICIPANT, user_id=member.user_id)).json()
        assert sorted(item["template"] for item in page["items"]) == expected, member.name
        titles = {item["template"]: item["title"] for item in page["items"]}
        assert (
            titles["progress_updated"]
            == "[Audisi] Kemajuan implementasi: Antar KTP ke desa dengan jadwal keliling (40%)"
        )
    bodies = {item["template"]: item["body"] for item in page["items"]}
    assert bodies["impact_recorded"] == (
        'Dinas Kependudukan dan Pencatatan Sipil mencatat dampak "Antar KTP ke desa dengan jadwal keliling".'
    )
    with implementation_runtime.session_factory() as session:
        jobs = session.scalars(select(NotificationJob).where(NotificationJob.template == "impact_recorded")).all()
        assert sorted(j.recipient_email for j in jobs) == [
            "budi@example.go.id",
            "rina@example.go.id",
            "siti@example.go.id",
        ]


def test_redelivered_notification_event_records_one_job(implementation_runtime: Any) -> None:
    _, judged = open_ticket(implementation_runtime.session_factory, person=TEAM[0], co_proposers=TEAM[1:])
    with implementation_runtime.session_factory() as session:
        body = next(
            n
            for n in outbox(session, "notification.requested.v1")
            if n["payload"]["recipient"]["user_id"] == str(TEAM[0].user_id)
        )
    event = parse_event(body)
    assert isinstance(event, NotificationRequested)
    # Past the inbox (a copy under another event id, or a replay): the unique key still gives one job.
    copy = event.model_copy(update={"event_id": uuid.uuid4()})
    with unit_of_work(implementation_runtime.session_factory) as session:
        assert record_job(session, event) is not None
    with unit_of_work(implementation_runtime.session_factory) as session:
        assert record_job(session, event) is None
        assert record_job(session, copy) is None
    with implementation_runtime.session_factory() as session:
        # The key: the event that caused it (the decision), the recipient, the template.
        assert event.payload.idempotency_key == f"{judged.event_id}:{TEAM[0].user_id}:ticket_created"
        assert session.scalar(select(func.count()).select_from(NotificationJob)) == 1


def test_recipient_who_chose_english_gets_english_in_app_and_email(
    implementation_runtime: Any, client: TestClient, tokens: Any, smtp_sink: Any
) -> None:
    inbox, port = smtp_sink
    member = TEAM[1]
    me = tokens(Role.PARTICIPANT, user_id=member.user_id, email=member.email)
    chosen = client.put("/api/v1/notifications/preferences", headers=me, json={"language": "en"})
    assert chosen.json()["language"] == "en"
    _open_team_ticket(implementation_runtime)
    _deliver_all(implementation_runtime)
    items = client.get("/api/v1/notifications", headers=me).json()["items"]
    assert [(i["title"], i["body"]) for i in items] == [
        (
            "[Audisi] New implementation ticket: Antar KTP ke desa dengan jadwal keliling",
            '"Antar KTP ke desa dengan jadwal keliling" was selected; an implementation ticket was opened for '
            "Dinas Kependudukan dan Pencatatan Sipil.",
        )
    ]
    settings = settings_for(implementation_runtime, port)
    with implementation_runtime.session_factory() as session:
        job_id = session.scalar(select(NotificationJob.id).where(NotificationJob.recipient_user_id == member.user_id))
    assert job_id is not None
    outcome = send_email_job(
        session_factory=implementation_runtime.session_factory,
        job_id=job_id,
        mailer=SmtpMailer(settings),
        settings=settings,
    )
    assert outcome.status == "sent"
    (message,) = inbox.messages
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert (message["Content-Language"], " ".join(message["Subject"].split())) == (
        "en",
        "[Audisi] New implementation ticket: Antar KTP ke desa dengan jadwal keliling",
    )
    assert "Congratulations! Your idea" in text
    assert "Selamat" not in text
    html = message.get_payload()[1].get_payload(decode=True).decode()
    assert '<html lang="en">' in html
    assert "<title>[Audisi] New implementation ticket: Antar KTP ke desa dengan jadwal keliling</title>" in html
    assert "Pemerintah Kabupaten" not in html
