"""Custom Rasa graph components of the NLU pipeline (config.yml names them by module path)."""
