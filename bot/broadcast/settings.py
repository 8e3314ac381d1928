"""Settings of announcements: the staff API's token, approval, and the sender's pace."""

from __future__ import annotations

from pydantic import Field

from bot.settings import EnvSettings


class BroadcastSettings(EnvSettings):
    """The staff API (off without a token) and how the background sender works."""

    what = "announcement"

    # Bearer token of the staff HTTP API; unset: the API is not there (404).
    staff_api_token: str | None = Field(None, alias="STAFF_API_TOKEN", repr=False, min_length=16)
    # A second person (another name than the author) must approve before anything is sent.
    require_approval: bool = Field(False, alias="STAFF_REQUIRE_APPROVAL")
    # How often the sender looks for due announcements and deliveries to retry.
    poll_s: float = Field(1.0, alias="BROADCAST_POLL_S", gt=0, le=60)
    # Sends in flight at once; each channel's own rate limiter sets the actual pace.
    concurrency: int = Field(30, alias="BROADCAST_CONCURRENCY", ge=1, le=500)
    # A worker holds the deliveries it sends this long; a crashed worker's are taken up after.
    lease_s: float = Field(120.0, alias="BROADCAST_LEASE_S", gt=0, le=3600)
    # Transient failures (rate limit, outage) are retried this often, then marked failed.
    max_attempts: int = Field(10, alias="BROADCAST_MAX_ATTEMPTS", ge=1, le=100)
