"""Authorisation matrix (OWASP API Top 10 2023: API1 object level, API5 function level; API3 leaks checked too).

Every route of every service, from the apps' route tables, against every caller: anonymous, participant,
judge, committee, agency officer, admin; for object routes also own object vs someone else's. The table
below is the policy: a route the app has but the table lacks fails `test_every_route_has_an_entry` (so a
new route needs a decision), and an entry for a route that is gone fails it too.

Expectations: an exact status, or OK ("passes authorisation": anything below 500 except 401/403/404, e.g.
200, 201, 409 for a state conflict, 422 for a domain rule). A pair is (own object, someone else's).
Unknown-or-not-yours objects answer 404, so callers cannot learn that someone else's object exists.
Every response is also checked for password hashes and for another participant's email or NIP.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from audisi.services import SERVICES, load
from services.submission.tests.factories import nip
from tests.security.conftest import ATTACHMENTS_DIR, make_tokens
from tests.security.matrix import (
    OK,
    Call,
    Rule,
    admin_only,
    committee_only,
    public,
    route_table,
    run_route,
    signed_in,
)
from tests.security.worlds import (
    PDF,
    World,
    implementation_world,
    judging_world,
    submission_world,
)

pytestmark = pytest.mark.slow

OPS = {
    ("GET", "/healthz"): public(),
    ("GET", "/readyz"): public(),
}


def _fresh_email() -> str:
    return f"u{secrets.token_hex(4)}@trenggalekkab.go.id"


def _login(_: World, __: dict[str, str]) -> Call:
    return Call(json={"username": _fresh_email(), "password": "bukan-sandinya"})


def _account(_: World, __: dict[str, str]) -> Call:
    return Call(json={"role": "judge", "email": _fresh_email(), "name": "Juri Baru", "password": "sandi-juri-1"})


def _edition(_: World, __: dict[str, str]) -> Call:
    code = f"SEC-{secrets.token_hex(3).upper()}"
    return Call(
        json={
            "code": code,
            "name": "Edisi uji",
            "year": 2026,
            "submission_opens_at": "2026-01-01T08:00:00+07:00",
            "submission_closes_at": "2026-12-31T23:59:00+07:00",
        }
    )


def _register(_: World, __: dict[str, str]) -> Call:
    return Call(
        json={
            "nip": nip(),
            "name": "Peserta Baru",
            "email": _fresh_email(),
            "phone": "081234567890",
            "password": "kata-sandi-kuat",
            "position_group": "pelaksana",
            "agency_code": "DINKES",
        }
    )


def _import(_: World, __: dict[str, str]) -> Call:
    row = f"{nip()},Peserta Impor,{_fresh_email()},081300000001,pengawas,DISDUKCAPIL\n"
    content = ("nip,nama,email,telepon,kelompok_jabatan,kode_opd\n" + row).encode()
    return Call(files={"file": ("peserta.csv", content, "text/csv")})


def _idea(world: World, values: dict[str, str]) -> Call:
    return Call(json={"edition_code": values["code"], "title": "Gagasan baru"})


def _attachment(_: World, values: dict[str, str]) -> Call:
    return Call(files={"file": ("pitch.pdf", PDF, "application/pdf")}, data={"idea_id": values["idea_id"]})


SUBMISSION: dict[tuple[str, str], Rule] = OPS | {
    ("POST", "/api/v1/auth/login"): public(_login, status=401),
    # The ID token carries its own proof; with no single sign-on configured it is 404 for everybody.
    ("POST", "/api/v1/auth/sso"): public(
        lambda _w, _v: Call(json={"id_token": "x.y.z", "nonce": "n" * 32}), status=404
    ),
    ("GET", "/api/v1/auth/me"): signed_in(),
    ("POST", "/api/v1/auth/logout"): signed_in(status=204),
    # Links carry their own proof: anyone holding one may use it (an unknown one is 400 for everybody).
    ("POST", "/api/v1/auth/verify-email"): public(lambda _w, _v: Call(json={"token": "t" * 43}), status=400),
    ("POST", "/api/v1/auth/password-reset"): public(lambda _w, _v: Call(json={"email": _fresh_email()}), status=202),
    ("POST", "/api/v1/auth/password-reset/confirm"): public(
        lambda _w, _v: Call(json={"token": "t" * 43, "password": "sandi-baru-123"}), status=400
    ),
    # The participant's token is the world's participant, whose password this is not (403); the other callers'
    # tokens belong to no stored account: let through, and told there is none (404).
    ("POST", "/api/v1/auth/password"): Rule(
        401,
        403,
        404,
        404,
        404,
        404,
        lambda _w, _v: Call(json={"current_password": "lama", "new_password": "sandi-baru-123"}),
    ),
    ("POST", "/api/v1/accounts"): admin_only(_account, status=201),
    ("GET", "/api/v1/accounts"): admin_only(status=200),
    ("PATCH", "/api/v1/accounts/{user_id}"): admin_only(
        lambda _w, _v: Call(json={"work_unit": "Bidang Pelayanan"}), status=200
    ),
    ("POST", "/api/v1/accounts/{user_id}/deactivate"): admin_only(status=200),
    ("POST", "/api/v1/accounts/{user_id}/reactivate"): admin_only(status=200),
    ("GET", "/api/v1/judges"): committee_only(status=200),
    ("GET", "/api/v1/agencies"): public(),
    ("GET", "/api/v1/agencies/managed"): admin_only(status=200),
    ("PUT", "/api/v1/agencies/{code}"): admin_only(
        lambda _w, _v: Call(json={"name": "Dinas Kesehatan", "email": "dinkes@trenggalekkab.go.id"}), status=200
    ),
    ("POST", "/api/v1/editions"): committee_only(_edition, status=201),
    ("GET", "/api/v1/editions"): public(),
    ("GET", "/api/v1/editions/{code}"): public(),
    ("PATCH", "/api/v1/editions/{code}"): committee_only(lambda _w, _v: Call(json={"name": "Nama edisi baru"}), 200),
    ("GET", "/api/v1/editions/{code}/summary"): committee_only(status=200),
    ("POST", "/api/v1/participants/register"): public(_register, status=202),
    # Admins pass role checks but have no participant profile: 403, not someone else's profile.
    ("GET", "/api/v1/participants/me"): Rule(401, 200, 403, 403, 403, 403),
    ("POST", "/api/v1/participants/import"): committee_only(_import, status=200),
    ("GET", "/api/v1/participants"): committee_only(status=200),
    ("POST", "/api/v1/ideas"): Rule(401, 201, 403, 403, 403, 403, _idea),
    ("GET", "/api/v1/ideas"): Rule(401, 200, 403, 200, 403, 200),
    ("GET", "/api/v1/ideas/export"): committee_only(status=200),
    ("GET", "/api/v1/ideas/{idea_id}"): Rule(401, (200, 404), 403, 200, 403, 200),
    ("PATCH", "/api/v1/ideas/{idea_id}"): Rule(
        401, (200, 404), 403, 403, 403, 403, lambda _w, _v: Call(json={"title": "Judul yang diubah"})
    ),
    ("POST", "/api/v1/ideas/{idea_id}/submit"): Rule(401, (200, 404), 403, 403, 403, 403),
    ("POST", "/api/v1/ideas/{idea_id}/withdraw"): Rule(
        401, (200, 404), 403, 200, 403, 200, lambda _w, _v: Call(json={"reason": "Pindah tugas"})
    ),
    # A participant is refused by role before the object is looked at: 403 for own and other alike.
    ("POST", "/api/v1/ideas/{idea_id}/screening"): Rule(
        401, (403, 403), 403, OK, 403, OK, lambda _w, _v: Call(json={"eligible": True, "reason": None})
    ),
    # The participant's 200 says only whether look-alikes exist; which ones is the committee's (test_properties).
    ("GET", "/api/v1/ideas/{idea_id}/similar"): Rule(401, (200, 404), 403, 200, 403, 200),
    ("GET", "/api/v1/ideas/{idea_id}/versions"): Rule(401, (200, 404), 403, 200, 403, 200),
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers"): Rule(
        401, (200, 404), 403, 403, 403, 403, lambda _w, v: Call(json={"nip": v["nip"]})
    ),
    # The proposer has no invitation to their own idea: 409 (allowed to ask, nothing to accept). An admin
    # passes the role check and may see every idea, so learns only that there is no invitation for them.
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers/accept"): Rule(401, (409, 404), 403, 403, 403, 409),
    ("POST", "/api/v1/ideas/{idea_id}/co-proposers/decline"): Rule(401, (409, 404), 403, 403, 403, 409),
    ("DELETE", "/api/v1/ideas/{idea_id}/co-proposers/{participant_id}"): Rule(401, (200, 404), 403, 403, 403, 403),
    ("POST", "/api/v1/attachments"): Rule(401, (201, 404), 403, 403, 403, 403, _attachment),
    # Judges read files only through judging's signed links (GET /ideas/{id}/materials there), never a token.
    ("GET", "/api/v1/attachments/{attachment_id}"): Rule(401, (200, 404), 403, 200, 403, 200),
    ("GET", "/api/v1/ideas/{idea_id}/attachments"): Rule(401, (200, 404), 403, 200, 403, 200),
    # The link is the grant, whoever holds it: a forged one is refused to everyone alike.
    ("GET", "/api/v1/attachments/{attachment_id}/signed"): public(
        lambda _w, v: Call(
            params={"idea": v["idea_id"], "judge": str(uuid.uuid4()), "expires": "4102444800", "signature": "0" * 64}
        ),
        status=403,
    ),
    ("DELETE", "/api/v1/attachments/{attachment_id}"): Rule(401, (204, 404), 403, 403, 403, 403),
    ("GET", "/api/v1/audit"): admin_only(status=200),
    ("GET", "/api/v1/audit/export"): admin_only(status=200),
    ("GET", "/api/v1/ops/dead-letters"): admin_only(status=200),
    ("POST", "/api/v1/ops/dead-letters/replay"): admin_only(lambda _w, _v: Call(json={"event_ids": []})),
}

RUBRIC = {
    "criteria": [
        {"key": "speed", "name": "Kecepatan layanan", "description": "", "weight": 50, "min_score": 1, "max_score": 5},
        {"key": "cost", "name": "Hemat biaya", "description": "", "weight": 50, "min_score": 1, "max_score": 5},
    ]
}


def _rubric(_: World, __: dict[str, str]) -> Call:
    return Call(json=RUBRIC)


def _scores(_: World, __: dict[str, str]) -> Call:
    return Call(
        json={"scores": [{"criterion": "speed_of_service", "value": 4, "comment": "Bagus"}]},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def _reason(_: World, __: dict[str, str]) -> Call:
    return Call(json={"reason": "Saudara kandung pengusul"})


JUDGING: dict[tuple[str, str], Rule] = OPS | {
    ("GET", "/api/v1/ideas/{idea_id}"): Rule(401, (403, 403), 200, 200, 403, 200),
    ("PUT", "/api/v1/editions/{edition_code}/rubric"): committee_only(_rubric),
    ("PUT", "/api/v1/editions/{edition_code}/rounds/{kind}/rubric"): committee_only(_rubric),
    ("GET", "/api/v1/editions/{edition_code}/rubric"): signed_in(),
    ("GET", "/api/v1/editions/{edition_code}/rounds/{kind}/rubric"): Rule(401, 200, 200, 200, 403, 200),
    ("PUT", "/api/v1/ideas/{idea_id}/scores"): Rule(401, (403, 403), OK, 403, 403, OK, _scores),
    # The judge has saved nothing yet: let through, and told there is no score sheet (404).
    ("POST", "/api/v1/ideas/{idea_id}/scores/submit"): Rule(401, (403, 403), 404, 403, 403, 404),
    ("GET", "/api/v1/ideas/{idea_id}/scores"): Rule(401, (403, 403), 200, 200, 403, 200),
    # No set of that judge exists: the committee is let through and told so (404).
    ("POST", "/api/v1/ideas/{idea_id}/scores/{judge_id}/reopen"): Rule(401, (403, 403), 403, 404, 403, 404, _reason),
    ("POST", "/api/v1/ideas/{idea_id}/recusal"): Rule(401, (403, 403), 201, 403, 403, 201, _reason),
    ("GET", "/api/v1/editions/{edition_code}/exclusions"): committee_only(status=200),
    ("GET", "/api/v1/editions/{edition_code}/ideas"): Rule(401, 403, 200, 200, 403, 200),
    # No panels in this world: the judge (BAPPEDA) judges both ideas; the links are signed for the caller.
    ("GET", "/api/v1/ideas/{idea_id}/materials"): Rule(401, (403, 403), 200, 200, 403, 200),
    ("POST", "/api/v1/editions/{edition_code}/declaration"): Rule(
        401, 403, 200, 403, 403, 200, lambda _w, _v: Call(json={"conflicts": []})
    ),
    ("GET", "/api/v1/editions/{edition_code}/declaration"): Rule(401, 403, 200, 403, 403, 200),
    ("GET", "/api/v1/editions/{edition_code}/declarations"): committee_only(status=200),
    ("POST", "/api/v1/editions/{edition_code}/audition-days"): committee_only(
        lambda _w, _v: Call(
            json={
                "date": "2027-02-10",
                "rooms": ["Pendopo"],
                "start_time": "08:00",
                "end_time": "10:00",
                "slot_minutes": 15,
            }
        )
    ),
    ("GET", "/api/v1/editions/{edition_code}/audition-days"): committee_only(status=200),
    ("GET", "/api/v1/editions/{edition_code}/schedule"): Rule(401, 200, 200, 200, 403, 200),
    ("POST", "/api/v1/editions/{edition_code}/schedule/assign"): committee_only(),
    ("POST", "/api/v1/editions/{edition_code}/audition-days/{day_id}/panel-proposal"): committee_only(
        lambda _w, _v: Call(
            json={
                "judges_per_room": 1,
                "judges": [{"user_id": str(uuid.uuid4()), "name": "Juri", "email": "juri@trenggalekkab.go.id"}],
            }
        ),
        status=404,
    ),
    # The committee and the judges of the day print the schedule (a day nobody knows is 404 to both).
    ("GET", "/api/v1/editions/{edition_code}/audition-days/{day_id}/jadwal.pdf"): Rule(401, 403, 404, 404, 403, 404),
    ("POST", "/api/v1/slots/{slot_id}/move"): committee_only(
        lambda _w, _v: Call(json={"to_slot_id": str(uuid.uuid4()), "reason": "Juri berhalangan"}), status=404
    ),
    ("PUT", "/api/v1/editions/{edition_code}/rooms/{room_id}/panel"): committee_only(
        lambda _w, _v: Call(json={"judges": []}), status=404
    ),
    ("PUT", "/api/v1/editions/{edition_code}/rounds/{kind}/panel"): committee_only(
        lambda _w, _v: Call(json={"judges": []})
    ),
    ("POST", "/api/v1/editions/{edition_code}/rounds/screening/advance"): committee_only(
        lambda _w, v: Call(json={"idea_ids": [v["idea_id"]]})
    ),
    ("GET", "/api/v1/editions/{edition_code}/progress"): committee_only(status=200),
    ("GET", "/api/v1/editions/{edition_code}/progress/stream"): committee_only(
        lambda _w, _v: Call(params={"max_events": 1}), status=200
    ),
    ("POST", "/api/v1/ideas/{idea_id}/decision"): committee_only(lambda _w, _v: Call(json={"selected": False})),
    ("GET", "/api/v1/ideas/{idea_id}/decision"): committee_only(status=404),
    ("GET", "/api/v1/editions/{edition_code}/selection-rules"): committee_only(),
    ("PUT", "/api/v1/editions/{edition_code}/selection-rules"): committee_only(
        lambda _w, _v: Call(json={"quotas": {}, "tie_break": ["calibrated_score"]})
    ),
    ("GET", "/api/v1/editions/{edition_code}/results"): committee_only(status=200),
    ("POST", "/api/v1/editions/{edition_code}/selection/adjustments"): committee_only(
        lambda _w, v: Call(json={"idea_id": v["idea_id"], "selected": True, "reason": "Kuota kelompok"})
    ),
    ("POST", "/api/v1/editions/{edition_code}/selection/publish"): committee_only(
        lambda _w, _v: Call(json={"due_date": "2027-06-30"})
    ),
    # Feedback exists only after publication: before it, every signed-in caller gets the same 404.
    ("GET", "/api/v1/ideas/{idea_id}/feedback"): Rule(401, (404, 404), 404, 404, 404, 404),
    ("GET", "/api/v1/editions/{edition_code}/exports/recap.xlsx"): committee_only(status=200),
    ("GET", "/api/v1/editions/{edition_code}/exports/recap.csv"): committee_only(status=200),
    ("GET", "/api/v1/editions/{edition_code}/audit"): committee_only(status=200),
    # Documents: the minutes and the decision list are the committee's (409 in this world: nothing scored yet).
    ("GET", "/api/v1/editions/{edition_code}/documents/berita-acara.pdf"): committee_only(),
    ("GET", "/api/v1/editions/{edition_code}/documents/lampiran-keputusan.pdf"): committee_only(),
    # Piagam exist only after publication, like feedback: before it every signed-in caller gets the same 404
    # (own vs someone else's piagam after publication: services/judging/tests/documents/).
    ("GET", "/api/v1/ideas/{idea_id}/certificates"): Rule(401, (404, 404), 404, 404, 404, 404),
    ("GET", "/api/v1/ideas/{idea_id}/certificates/{certificate_code}.pdf"): Rule(401, (404, 404), 404, 404, 404, 404),
    # Anyone may check a piagam's code; an unknown code is 404 for everyone.
    ("GET", "/api/v1/public/certificates/{certificate_code}"): public(status=404),
    ("GET", "/api/v1/audit"): admin_only(status=200),
    ("GET", "/api/v1/audit/export"): admin_only(status=200),
    ("GET", "/api/v1/ops/dead-letters"): admin_only(status=200),
    ("POST", "/api/v1/ops/dead-letters/replay"): admin_only(lambda _w, _v: Call(json={"event_ids": []})),
}

IMPLEMENTATION: dict[tuple[str, str], Rule] = OPS | {
    ("GET", "/api/v1/tickets"): Rule(401, 200, 403, 200, 200, 200),
    ("GET", "/api/v1/tickets/{ticket_id}"): Rule(401, (200, 404), 404, 200, (200, 404), 200),
    # Only the implementing agency works a ticket (the committee oversees and reassigns); the proposer reads it.
    ("POST", "/api/v1/tickets/{ticket_id}/transitions"): Rule(
        401, (403, 404), 404, 403, (200, 404), OK, lambda _w, _v: Call(json={"to": "accepted", "reason": None})
    ),
    ("PATCH", "/api/v1/tickets/{ticket_id}"): Rule(
        401, (403, 404), 404, 403, (200, 404), OK, lambda _w, _v: Call(json={"person_in_charge": "Budi"})
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/milestones"): Rule(
        401,
        (403, 404),
        404,
        403,
        (201, 404),
        OK,
        lambda _w, _v: Call(json={"title": "Sosialisasi", "due_date": "2027-04-01"}),
    ),
    ("PATCH", "/api/v1/tickets/{ticket_id}/milestones/{milestone_id}"): Rule(
        401, (403, 404), 404, 403, (200, 404), OK, lambda _w, _v: Call(json={"done": True})
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/updates"): Rule(
        401, (403, 404), 404, 403, (201, 404), OK, lambda _w, _v: Call(json={"body": "Uji coba berjalan"})
    ),
    # Evidence files: the implementing agency adds them to its updates; the ticket's readers download them.
    ("POST", "/api/v1/evidence"): Rule(
        401,
        (403, 404),
        404,
        403,
        (201, 404),
        OK,
        lambda _w, v: Call(files={"file": ("laporan.pdf", PDF, "application/pdf")}, data={"update_id": v["update_id"]}),
    ),
    ("GET", "/api/v1/evidence/{evidence_id}"): Rule(401, (200, 404), 404, 200, (200, 404), 200),
    # Only the implementing agency removes one (an admin too, as for every agency change); its readers may not.
    ("DELETE", "/api/v1/evidence/{evidence_id}"): Rule(401, (403, 404), 404, 403, (204, 404), 204),
    # The world's tickets are not implemented: their photos are not public yet, for anybody.
    ("GET", "/api/v1/public/evidence/{evidence_id}"): public(status=404),
    ("PUT", "/api/v1/tickets/{ticket_id}/impact"): Rule(
        401, (403, 404), 404, 403, (200, 404), OK, lambda _w, _v: Call(json={"baseline_minutes_per_case": 120})
    ),
    ("POST", "/api/v1/tickets/{ticket_id}/reassign"): committee_only(
        lambda _w, _v: Call(json={"agency_code": "DINKES", "reason": "Salah perangkat daerah"})
    ),
    ("GET", "/api/v1/feed"): Rule(401, 403, 403, 200, 200, 200),
    # The committee's charts of an edition's tickets (aggregates across agencies: not for an officer).
    ("GET", "/api/v1/editions/{edition_code}/tickets/summary"): committee_only(status=200),
    ("GET", "/api/v1/notifications"): signed_in(),
    ("POST", "/api/v1/notifications/read-all"): signed_in(),
    ("GET", "/api/v1/notifications/preferences"): signed_in(),
    ("PUT", "/api/v1/notifications/preferences"): signed_in(lambda _w, _v: Call(json={"email": True}), status=OK),
    # Someone else's (here: an unknown) notification is 404 for everyone.
    ("POST", "/api/v1/notifications/{notification_id}/read"): signed_in(status=404),
    ("POST", "/api/v1/webhooks"): Rule(
        401,
        403,
        403,
        OK,
        201,
        OK,
        lambda _w, _v: Call(json={"url": "https://disdukcapil.example.go.id/hook2"}),
    ),
    # Webhooks are the agencies' integration: officers (own agency's only) and the committee.
    ("GET", "/api/v1/webhooks"): Rule(401, 403, 403, 200, 200, 200),
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): Rule(401, 403, 403, OK, (204, 404), OK),
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries"): Rule(401, 403, 403, 200, (200, 404), 200),
    ("GET", "/api/v1/ops/webhooks/dead-letters"): admin_only(status=200),
    ("POST", "/api/v1/ops/webhooks/dead-letters/replay"): admin_only(lambda _w, _v: Call(json={"ids": []})),
    ("GET", "/api/v1/agencies"): signed_in(),
    ("PATCH", "/api/v1/agencies/{code}"): committee_only(
        lambda _w, _v: Call(json={"email": "disdukcapil@trenggalekkab.go.id"})
    ),
    ("GET", "/api/v1/public/editions/{edition_code}/ideas"): public(),
    ("GET", "/api/v1/public/editions/{edition_code}/export.json"): public(),
    ("GET", "/api/v1/public/editions/{edition_code}/export.csv"): public(),
    ("GET", "/public/editions/{edition_code}"): public(),
    ("GET", "/api/v1/audit"): admin_only(status=200),
    ("GET", "/api/v1/audit/export"): admin_only(status=200),
    ("GET", "/api/v1/ops/dead-letters"): admin_only(status=200),
    ("POST", "/api/v1/ops/dead-letters/replay"): admin_only(lambda _w, _v: Call(json={"event_ids": []})),
}

#: Routes whose current answers break the table, found by this test in services it may not change; each is
#: reported to the service's owner. Strict: once fixed, the test passes and this entry must go.
#: Findings reproduced by a strict xfail until fixed (empty: the webhook visibility finding was fixed by
#: requiring the agency or committee role on the webhook routes).
KNOWN_FINDINGS: dict[tuple[str, str, str], str] = {}

TABLE: dict[str, dict[tuple[str, str], Rule]] = {
    "submission": SUBMISSION,
    "judging": JUDGING,
    "implementation": IMPLEMENTATION,
}


def _app(request: pytest.FixtureRequest, name: str) -> Any:
    request.getfixturevalue(f"{name}_runtime")
    return load(SERVICES[name].app_path)


@pytest.mark.parametrize("service", sorted(TABLE))
def test_every_route_has_an_entry(request: pytest.FixtureRequest, service: str) -> None:
    routes = route_table(_app(request, service))
    missing = sorted(routes - set(TABLE[service]))
    stale = sorted(set(TABLE[service]) - routes)
    assert (missing, stale) == ([], []), (
        f"{service}: routes without an entry {missing}; entries without a route {stale}"
    )


def _world_builder(request: pytest.FixtureRequest, service: str) -> Any:
    runtime = request.getfixturevalue(f"{service}_runtime")
    if service == "submission":
        return lambda: submission_world(runtime, ATTACHMENTS_DIR)
    if service == "judging":
        return lambda: judging_world(runtime, uuid.uuid4())
    return lambda: implementation_world(runtime, uuid.uuid4())


@pytest.mark.parametrize(
    ("service", "method", "path"),
    [
        pytest.param(
            service,
            method,
            path,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FINDINGS[(service, method, path)])]
            if (service, method, path) in KNOWN_FINDINGS
            else [],
        )
        for service, rules in TABLE.items()
        for (method, path) in sorted(rules)
    ],
)
def test_route_answers_each_caller_as_the_table_says(
    request: pytest.FixtureRequest,
    service_client: Any,
    fresh_login_limits: None,
    service: str,
    method: str,
    path: str,
) -> None:
    client: TestClient = service_client(service)
    runtime = request.getfixturevalue(f"{service}_runtime")
    problems = run_route(
        client=client,
        tokens=make_tokens(runtime),
        method=method,
        path=path,
        rule=TABLE[service][(method, path)],
        build_world=_world_builder(request, service),
    )
    assert problems == [], "\n".join(problems)
