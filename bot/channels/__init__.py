"""One adapter per chat platform, converting to and from the core's message types."""
