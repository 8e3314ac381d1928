"""The web chat: its JSON API, the accessible chat page and its static files."""
