"""Reading the Telegram settings: only the token is needed; webhook mode needs its secret."""

from __future__ import annotations

import pytest

from bot.channels.telegram import build
from bot.channels.telegram.settings import TelegramSettings
from bot.core.messages import IncomingMessage, Turn
from bot.settings import SettingsError
from tests.fakes import turn
from tests.telegram.botapi_standin import BotApiStandIn


async def nothing(message: IncomingMessage) -> Turn:
    return turn()


def test_without_a_token_there_is_no_channel() -> None:
    assert build({}, nothing, None) is None
    assert build({"TELEGRAM_TOKEN": "  "}, nothing, None) is None


def test_the_token_alone_means_polling_real_telegram() -> None:
    settings = TelegramSettings.from_env({"TELEGRAM_TOKEN": "123:abc"})
    assert settings.mode == "polling"
    assert settings.api_base == "https://api.telegram.org"
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    "env",
    [
        {"TELEGRAM_MODE": "webhook"},
        {"TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_URL": "https://x.example/telegram/webhook"},
        {
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_URL": "https://x.example/t",
            "TELEGRAM_WEBHOOK_SECRET": "has spaces",
        },
        {"TELEGRAM_MODE": "sometimes"},
        {"TELEGRAM_POLL_TIMEOUT_S": "-1"},
        {"PRIVACY_URL": "javascript:alert(1)"},
    ],
)
def test_unusable_settings_are_refused_with_the_variable_named(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match=r"TELEGRAM|PRIVACY"):
        TelegramSettings.from_env({"TELEGRAM_TOKEN": "123:abc", **env})


def test_webhook_mode_needs_the_gateways_web_server() -> None:
    env = {
        "TELEGRAM_TOKEN": "123:abc",
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": "https://x.example/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": "abc",
    }
    with pytest.raises(SettingsError, match="web server"):
        build(env, nothing, None)


async def test_a_rejected_token_stops_start_up_without_showing_the_token() -> None:
    api = BotApiStandIn("123:right")
    await api.start()
    try:
        env = {"TELEGRAM_TOKEN": "999:wrong-secret", "TELEGRAM_API_BASE_URL": api.url}
        channel = build(env, nothing, None)
        assert channel is not None
        with pytest.raises(SettingsError) as failure:
            await channel.start()
        assert "wrong-secret" not in str(failure.value)
        assert failure.value.__suppress_context__
    finally:
        await api.stop()
