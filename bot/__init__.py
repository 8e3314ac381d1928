"""The gateway: chat platforms, audio and people, in front of the Rasa assistant."""
