"""The city data API client: where it connects, how long it waits, and its typed errors."""

import pytest

from actions.cityapi_client import (
    CityApiClient,
    CityApiNotFound,
    CityApiRejected,
    CityApiSettings,
    CityApiUnavailable,
    shared_client,
)


@pytest.mark.parametrize(
    ("environ", "base_url", "timeout_s"),
    [
        ({}, "http://127.0.0.1:8000", 3.0),
        ({"CITYAPI_URL": "http://city.example:9000/"}, "http://city.example:9000", 3.0),
        ({"CITYAPI_PORT": "8123"}, "http://127.0.0.1:8123", 3.0),
        ({"CITYAPI_HOST": "0.0.0.0", "CITYAPI_PORT": "8001"}, "http://127.0.0.1:8001", 3.0),
        ({"CITYAPI_URL": "http://a:1", "CITYAPI_PORT": "2"}, "http://a:1", 3.0),
        ({"CITYAPI_TIMEOUT_S": "10"}, "http://127.0.0.1:8000", 3.0),
        ({"CITYAPI_TIMEOUT_S": "1.5"}, "http://127.0.0.1:8000", 1.5),
        ({"CITYAPI_TIMEOUT_S": "soon"}, "http://127.0.0.1:8000", 3.0),
    ],
)
def test_settings_come_from_the_environment(
    environ: dict[str, str], base_url: str, timeout_s: float
) -> None:
    settings = CityApiSettings.from_env(environ)
    assert settings == CityApiSettings(base_url=base_url, timeout_s=timeout_s)


async def test_the_shared_client_reads_cityapi_url_when_first_used(
    monkeypatch: pytest.MonkeyPatch, cityapi_url: str
) -> None:
    monkeypatch.setenv("CITYAPI_URL", cityapi_url)
    client = shared_client()
    try:
        assert shared_client() is client  # one per event loop
        page = await client.places(type="beach", limit=1)
        assert page["items"][0]["type"] == "beach"
    finally:
        await client.close()
    assert shared_client() is not client  # a closed one is replaced
    await shared_client().close()


async def test_refusals_and_absences_are_typed(client: CityApiClient) -> None:
    with pytest.raises(CityApiNotFound):
        await client.place(999999)
    with pytest.raises(CityApiRejected) as refused:
        await client.places(type="toilet", district="Atlantis")
    assert refused.value.parameter == "district"
    assert refused.value.error_code == "invalid_parameter"


async def test_no_answer_is_unavailable(down_client: CityApiClient) -> None:
    with pytest.raises(CityApiUnavailable):
        await down_client.districts()
