"""Widgets of the triage app: each owns its rendering and posts messages up to the screen."""
