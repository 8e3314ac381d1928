"""Platform-neutral core of the gateway (no telegram, nio or vosk imports here)."""
