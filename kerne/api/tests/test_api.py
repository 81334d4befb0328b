"""The REST API: API keys (HR's page, hashed, revocable, audited) and systems posting measurements."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from django.test import Client

from kerne.api.models import ApiToken
from kerne.api.services import api_token_create
from kerne.core.models import AuditEvent
from kerne.results.models import Figure, Measurement, MeasurementRevision

pytestmark = pytest.mark.django_db


def post(client, key, body, **extra):
    return client.post(
        "/api/results/measurements",
        data=json.dumps(body) if not isinstance(body, str) else body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **extra,
    )


def data_state():
    return Measurement.objects.count(), MeasurementRevision.objects.count(), Figure.objects.count()


@pytest.fixture
def key(rw):
    return api_token_create(organisation=rw.aby, name="Fagsystem X", actor=rw.admin).key


def test_hr_creates_a_key_shown_once_and_stored_as_a_hash(rw):
    client = Client()
    client.force_login(rw.admin)
    response = client.post("/api-noegler/", {"name": "Omsorgssystemet"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    html = response.content.decode()
    shown = html.split('<p class="token-once"><code>')[1].split("</code>")[0]
    assert shown.startswith(f"kerne_{token.prefix}_")
    assert token.token_hash == hashlib.sha256(shown.encode()).hexdigest()
    assert shown not in client.get("/api-noegler/").content.decode()  # never shown again
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).count() == 1


def test_only_hr_of_the_organisation_manages_keys_and_a_refusal_changes_nothing(rw, key):
    token = ApiToken.objects.get()
    client = Client()
    client.force_login(rw.users[0])  # a direktør, not HR
    before = (ApiToken.objects.count(), AuditEvent.objects.count())
    assert client.get("/api-noegler/").status_code == 403
    assert client.post("/api-noegler/", {"name": "Snydesystem"}).status_code == 403
    assert client.post(f"/api-noegler/{token.pk}/tilbagekald/").status_code == 403
    client.force_login(rw.other_admin)  # HR, but of Bby Kommune
    assert client.post(f"/api-noegler/{token.pk}/tilbagekald/").status_code == 404
    assert f"kerne_{token.prefix}" not in client.get("/api-noegler/").content.decode()
    assert (ApiToken.objects.count(), AuditEvent.objects.count()) == before
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_system_posts_measurements_with_its_key(rw, key):
    month = rw.months[-1]
    client = Client()
    body = {
        "measurements": [
            {"indicator": "ventetid", "unit": rw.units[3].code, "period": month.key, "value": "26"},
            {"indicator": "ventetid", "unit": rw.units[3].code, "period": month.shift(-6).key, "value": 33},
            {
                "indicator": "sygefravaer",
                "unit": rw.units[3].code,
                "period": month.key,
                "value": "5,5",
                "denominator": 20,
            },
            {
                "indicator": "ventetid",
                "unit": rw.side[1].code,
                "period": month.shift(-7).key,
                "value": "..",
                "status": "diskretioneret",
            },
        ]
    }
    response = post(client, key, body)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 2, "unchanged": 0}
    changed = Measurement.objects.get(indicator=rw.waiting, unit=rw.units[3], period=month.key)
    assert (changed.value, changed.source, changed.recorded_by, changed.version) == (
        Decimal(26),
        "api",
        "API-nøgle »Fagsystem X«",
        2,
    )
    suppressed = Measurement.objects.get(indicator=rw.waiting, unit=rw.side[1], period=month.shift(-7).key)
    assert (suppressed.value, suppressed.status) == (None, "suppressed")
    assert ApiToken.objects.get().last_used_at is not None
    # The same post again changes nothing.
    before = data_state()
    assert post(client, key, body).json() == {"created": 0, "updated": 0, "unchanged": 4}
    assert data_state() == before
    event = AuditEvent.objects.filter(action="results.measurements_recorded").latest("pk")
    assert event.actor_label == "API-nøgle »Fagsystem X«"


def test_errors_are_danish_say_which_measurement_and_change_nothing(rw, key):
    client = Client()
    before = data_state()
    body = {
        "measurements": [
            {"indicator": "ventetid", "unit": rw.units[3].code, "period": rw.months[-1].key, "value": "26"},
            {"indicator": "ventetid", "unit": rw.units[3].code, "period": "2026K1", "value": "3"},
            {"indicator": "findes-ikke", "unit": rw.units[3].code, "period": rw.months[-1].key, "value": "3"},
        ]
    }
    response = post(client, key, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Målingerne har fejl – intet er ændret.",
        "errors": [
            {
                "item": 2,
                "field": "period",
                "message": "Måling 2, kolonnen »period«: »2026K1« er et kvartal, men indikatoren måles pr. måned.",
            },
            {
                "item": 3,
                "field": "indicator",
                "message": (
                    "Måling 3, kolonnen »indicator«: Der er ingen indikator med nøglen »findes-ikke« i organisationen."
                ),
            },
        ],
    }
    assert data_state() == before
    malformed = post(client, key, {"measurements": [{"unit": "x"}]})
    assert malformed.status_code == 422
    assert malformed.json()["detail"] == "Forespørgslen har ikke den forventede form – intet er ændret."
    assert malformed.json()["errors"][0] == {
        "item": 1,
        "field": "indicator",
        "message": "Måling 1, feltet »indicator«: Feltet mangler.",
    }
    unreadable = post(client, key, "{ikke json")
    assert unreadable.status_code == 400
    assert unreadable.json() == {"detail": "Indholdet er ikke gyldig JSON.", "errors": []}
    assert data_state() == before


def test_no_key_a_wrong_key_or_a_revoked_key_is_refused(rw, key):
    client = Client()
    body = {
        "measurements": [{"indicator": "ventetid", "unit": rw.units[3].code, "period": rw.months[-1].key, "value": "1"}]
    }
    before = data_state()
    for bad in ("", "kerne_abc_def", key[:-2] + "xx", "Basic abc"):
        response = post(client, bad, body)
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Ikke logget ind: send en gyldig API-nøgle")
    admin = Client()
    admin.force_login(rw.admin)
    token = ApiToken.objects.get()
    assert admin.post(f"/api-noegler/{token.pk}/tilbagekald/").status_code == 302
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    assert post(client, key, body).status_code == 401
    assert data_state() == before


def test_a_key_writes_only_to_its_own_organisation(rw):
    other = api_token_create(organisation=rw.world.bby, name="Bby-systemet", actor=rw.other_admin).key
    client = Client()
    body = {
        "measurements": [{"indicator": "ventetid", "unit": rw.units[3].code, "period": rw.months[-1].key, "value": "1"}]
    }
    before = data_state()
    response = post(client, other, body)
    assert response.status_code == 400
    assert "Der er ingen indikator med nøglen »ventetid« i organisationen." in response.json()["errors"][0]["message"]
    assert data_state() == before


def test_the_key_lists_its_organisations_indicators(rw, key):
    response = Client().get("/api/results/indicators", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [i["key"] for i in response.json()] == ["ventetid", "sygefravaer"]  # by position, then name
    assert response.json()[0]["unit"] == rw.units[1].code


def test_the_openapi_document_is_served(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/results/measurements" in paths
    assert "/api/results/units/{unit_id}" in paths
    assert Client().get("/api/docs").status_code == 200
