"""Similar ideas: TF-IDF over words and character n-grams, Indonesian stopwords ignored."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.submission.ideas.service import screen_idea
from services.submission.ideas.similarity import features, most_similar
from services.submission.tests.factories import committee, make_edition, make_idea, make_participant
from shared.auth import Role


def test_near_duplicate_ranks_first_and_unrelated_is_dropped() -> None:
    text = "Antrean daring untuk pelayanan KTP elektronik di Disdukcapil"
    candidates = [
        ("sampah", "Bank sampah pasar untuk mengolah sampah organik menjadi kompos"),
        ("ktp", "Layanan antrean online KTP-el di kantor kependudukan"),
        ("rsud", "Antrean daring poli rawat jalan rumah sakit"),
    ]
    ranked = most_similar(text, candidates)
    assert [key for key, _ in ranked] == ["ktp", "rsud"]
    assert ranked[0][1] > ranked[1][1]


def test_stopwords_alone_do_not_make_texts_similar() -> None:
    assert most_similar("yang dan di untuk dengan", [("x", "yang dan di untuk dengan")]) == []


def test_affixed_words_share_character_ngrams() -> None:
    assert set(features("pelayanan")) & set(features("layanan"))


def test_similar_endpoint_on_a_draft_shows_submitted_lookalikes(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, a = make_participant(session)
        _, b = make_participant(session)
        _, c = make_participant(session)
        submitted = make_idea(session, a, title="Antrean daring KTP elektronik", submit=True)
        make_idea(session, b, title="Antrean KTP elektronik lewat WhatsApp")  # another's draft: never shown
        _, me_p = make_participant(session)
        draft = make_idea(session, me_p, title="Antrean online perekaman KTP-el")
        make_idea(
            session,
            c,
            title="Kompos sampah pasar",
            problem="Sampah organik",
            solution="Komposter",
            beneficiaries="Pedagang",
            service_area="lingkungan",
            submit=True,
        )
    h = tokens(Role.COMMITTEE)
    similar = client.get(f"/api/v1/ideas/{draft.id}/similar", headers=h).json()
    assert similar["similar_exist"] is True
    assert similar["ideas"][0]["id"] == str(submitted.id)
    assert all(s["status"] != "draft" for s in similar["ideas"])
    committee_view = client.get(f"/api/v1/ideas/{submitted.id}/similar", headers=h).json()
    assert str(draft.id) not in [s["id"] for s in committee_view["ideas"]]


def test_participant_learns_only_that_similar_ideas_exist(
    client: TestClient, tokens: Any, submission_runtime: Any
) -> None:
    with submission_runtime.session_factory() as session:
        make_edition(session)
        _, a = make_participant(session, agency_code="DINSOS")
        _, b = make_participant(session, agency_code="BAPPEDA")
        lookalike = make_idea(session, a, title="Antrean daring KTP elektronik Disdukcapil", submit=True)
        refused = make_idea(session, b, title="Antrean KTP elektronik lewat WhatsApp", submit=True)
        screen_idea(session, principal=committee(), idea_id=refused.id, eligible=False, reason="Duplikat")
        me, me_p = make_participant(session)
        draft = make_idea(session, me_p, title="Antrean online perekaman KTP-el")
        unrelated = make_idea(
            session,
            me_p,
            title="Kompos sampah pasar",
            problem="Sampah organik menumpuk",
            solution="Komposter komunal",
            beneficiaries="Pedagang pasar",
            service_area="lingkungan",
        )
    h = tokens(Role.PARTICIPANT, user_id=me.user_id)
    response = client.get(f"/api/v1/ideas/{draft.id}/similar", headers=h, params={"limit": 20})
    assert response.json() == {"similar_exist": True, "ideas": []}
    for leak in (str(lookalike.id), str(refused.id), "WhatsApp", "Disdukcapil", "not_eligible", "DINSOS", "BAPPEDA"):
        assert leak not in response.text
    assert client.get(f"/api/v1/ideas/{unrelated.id}/similar", headers=h).json() == {
        "similar_exist": False,
        "ideas": [],
    }
