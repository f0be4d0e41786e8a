import pytest

pytestmark = pytest.mark.django_db


def test_home_page_is_served_in_english_and_french(client):
    english = client.get("/en/")
    french = client.get("/fr/")
    assert english.status_code == 200
    assert french.status_code == 200
    assert 'lang="fr"' in french.content.decode()


def test_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/en/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_health_check_answers_ok(client):
    assert client.get("/healthz").content == b"ok"
