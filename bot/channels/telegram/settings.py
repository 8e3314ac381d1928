"""The Telegram channel's settings, read once from the environment."""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from bot.settings import EnvSettings


class TelegramSettings(EnvSettings):
    """The Telegram channel's settings; only the token is required."""

    what: ClassVar[str] = "Telegram"

    token: str = Field(alias="TELEGRAM_TOKEN", min_length=1, repr=False)
    api_base_url: str = Field("https://api.telegram.org", alias="TELEGRAM_API_BASE_URL")
    mode: Literal["polling", "webhook"] = Field("polling", alias="TELEGRAM_MODE")
    webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    webhook_secret: str | None = Field(
        None, alias="TELEGRAM_WEBHOOK_SECRET", repr=False, pattern=r"^[A-Za-z0-9_-]{1,256}$"
    )
    webhook_path: str = Field("/telegram/webhook", alias="TELEGRAM_WEBHOOK_PATH", pattern=r"^/")
    poll_timeout_s: int = Field(30, alias="TELEGRAM_POLL_TIMEOUT_S", ge=0, le=50)
    concurrent_updates: int = Field(64, alias="TELEGRAM_CONCURRENT_UPDATES", ge=1, le=1024)
    # Pace sends to Telegram's limits (30/s overall, about 1/s per chat, 429s retried). Off only
    # for a Bot API stand-in without limits, to measure the gateway's own throughput.
    rate_limit: bool = Field(True, alias="TELEGRAM_RATE_LIMIT")
    # A chat writing faster than this many messages a minute (that many at once, then one every
    # 60/N s) is declined and told so once; a person typing, even in quick bursts, stays below.
    inbound_per_minute: int = Field(20, alias="TELEGRAM_INBOUND_PER_MINUTE", ge=1, le=600)
    # Updates of one chat waiting for their turn at most; more are declined like a flood.
    chat_backlog: int = Field(20, alias="TELEGRAM_CHAT_BACKLOG", ge=1, le=1000)
    # The inbox (updates stored before they are confirmed to Telegram) is the gateway's database.
    database_url: str = Field(
        "sqlite:///var/gateway.sqlite3", alias="GATEWAY_DATABASE_URL", repr=False
    )
    privacy_url: str | None = Field(None, alias="PRIVACY_URL", pattern=r"^https?://")

    @model_validator(mode="after")
    def _webhook_complete(self) -> Self:
        if self.mode == "webhook" and not (self.webhook_url and self.webhook_secret):
            raise ValueError(
                "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET"
            )
        return self

    @property
    def api_base(self) -> str:
        """The Bot API base URL without a trailing slash."""
        return self.api_base_url.rstrip("/")

    @property
    def privacy_link(self) -> str | None:
        """Where the city publishes the full privacy notice, if configured."""
        return self.privacy_url
