"""The Matrix channel's limits: attachment size and how long it backs off from the homeserver."""

from __future__ import annotations

# Attachments over this size are not downloaded (a usual homeserver upload limit).
MAX_MEDIA_BYTES = 20 * 1024 * 1024
# How long an attachment's download may take.
DOWNLOAD_TIMEOUT_S = 60.0
# The longest wait between retries of a sync, a login or a failed send.
MAX_BACKOFF_S = 30.0
# How long an outbound send keeps retrying 5xx answers before it reports RetryAfter.
OUTBOUND_RETRY_S = 30.0
