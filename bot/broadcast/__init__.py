"""Announcements: city staff reach the citizens who subscribed, through the outbound port."""
