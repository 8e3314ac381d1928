"""Settings of announcements: the staff API's token, approval, and the sender's pace."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field, field_validator

from bot.core.messages import ChannelName
from bot.core.staff import Role, StaffDirectory, parse_staff_ids
from bot.settings import EnvSettings


class BroadcastSettings(EnvSettings):
    """The staff API (off without a token) and how the background sender works."""

    what = "announcement"

    # Bearer token of the staff HTTP API; unset: the API is not there (404).
    staff_api_token: str | None = Field(None, alias="STAFF_API_TOKEN", repr=False, min_length=16)
    # A second person (another name than the author) must approve before anything is sent.
    require_approval: bool = Field(False, alias="STAFF_REQUIRE_APPROVAL")
    # Staff who may announce from a chat: "123456:approver,789" (no role: author), see
    # bot/core/staff.py. Not logged (repr=False): platform ids are personal data.
    staff_telegram_ids: str = Field("", alias="STAFF_TELEGRAM_IDS", repr=False)
    staff_matrix_ids: str = Field("", alias="STAFF_MATRIX_IDS", repr=False)
    # How often the sender looks for due announcements and deliveries to retry.
    poll_s: float = Field(1.0, alias="BROADCAST_POLL_S", gt=0, le=60)
    # Sends in flight at once; each channel's own rate limiter sets the actual pace.
    concurrency: int = Field(30, alias="BROADCAST_CONCURRENCY", ge=1, le=500)
    # A worker holds the deliveries it sends this long; a crashed worker's are taken up after.
    lease_s: float = Field(120.0, alias="BROADCAST_LEASE_S", gt=0, le=3600)
    # Transient failures (rate limit, outage) are retried this often, then marked failed.
    max_attempts: int = Field(10, alias="BROADCAST_MAX_ATTEMPTS", ge=1, le=100)

    @field_validator("staff_telegram_ids")
    @classmethod
    def _telegram_staff(cls, value: str) -> str:
        parse_staff_ids("telegram", value)
        return value

    @field_validator("staff_matrix_ids")
    @classmethod
    def _matrix_staff(cls, value: str) -> str:
        parse_staff_ids("matrix", value)
        return value

    @property
    def staff(self) -> StaffDirectory:
        """Who may announce from a chat, and in which role."""
        accounts: Mapping[ChannelName, Mapping[str, Role]] = {
            "telegram": parse_staff_ids("telegram", self.staff_telegram_ids),
            "matrix": parse_staff_ids("matrix", self.staff_matrix_ids),
        }
        return StaffDirectory(accounts)
