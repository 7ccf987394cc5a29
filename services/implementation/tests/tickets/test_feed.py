"""The change feed: a poller following the cursor sees every change of its agency once, in commit order."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.implementation.tests.helpers import open_ticket
from services.implementation.tickets.feed import read_feed, record_change
from services.implementation.tickets.models import Ticket
from shared.auth import Role


def test_feed_cursor_never_skips_or_repeats(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    officer = tokens(Role.AGENCY, agency="DISDUKCAPIL")
    first, _ = open_ticket(implementation_runtime.session_factory)
    page = client.get("/api/v1/feed", headers=officer).json()
    assert [(i["type"], i["ticket_id"]) for i in page["items"]] == [("ticket.created", str(first))]
    cursor = page["next_cursor"]
    again = client.get("/api/v1/feed", headers=officer, params={"cursor": cursor}).json()
    assert (again["items"], again["next_cursor"]) == ([], cursor)
    client.post(f"/api/v1/tickets/{first}/transitions", headers=officer, json={"to": "accepted"})
    open_ticket(implementation_runtime.session_factory, agency="DINKES")  # another agency's: not in this feed
    later = client.get("/api/v1/feed", headers=officer, params={"cursor": cursor}).json()
    assert [(i["type"], i["data"]["new_status"]) for i in later["items"]] == [("ticket.status_changed", "accepted")]
    assert later["next_cursor"] > cursor


def test_feed_other_agency_refused(implementation_runtime: Any, client: TestClient, tokens: Any) -> None:
    response = client.get(
        "/api/v1/feed", headers=tokens(Role.AGENCY, agency="DISDUKCAPIL"), params={"agency_code": "DINKES"}
    )
    assert response.status_code == 403


def test_feed_numbers_commit_in_order_under_concurrent_writers(implementation_runtime: Any) -> None:
    factory = implementation_runtime.session_factory
    ticket_id, _ = open_ticket(factory)
    with factory() as first:
        ticket = first.get(Ticket, ticket_id)
        assert ticket is not None
        first_seq = record_change(first, ticket=ticket, kind="note", data={}, actor_id=None)
        second_done = threading.Event()
        second_seq: list[int] = []

        def second_writer() -> None:
            with factory() as second:
                other = second.get(Ticket, ticket_id)
                assert other is not None
                second_seq.append(record_change(second, ticket=other, kind="note", data={}, actor_id=None))
                second.commit()
            second_done.set()

        thread = threading.Thread(target=second_writer)
        thread.start()
        # The second writer waits for the first to commit: a poller can never see its number first.
        assert second_done.wait(0.5) is False
        with factory() as poller:
            assert [c.seq for c in read_feed(poller, agency_code="DISDUKCAPIL", after=first_seq - 1, limit=10)] == []
        first.commit()
        thread.join(5)
    assert second_seq[0] > first_seq
    with factory() as poller:
        seqs = [c.seq for c in read_feed(poller, agency_code="DISDUKCAPIL", after=first_seq - 1, limit=10)]
        assert seqs == [first_seq, second_seq[0]]
        assert poller.scalars(select(Ticket.id)).all() == [ticket_id]
