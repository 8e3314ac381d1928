"""Clients of the assistant behind the gateway (Rasa), implementing the core's Assistant port."""
