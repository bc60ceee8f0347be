"""Screens of the triage app: the main triage screen, help, dialogs and message screens."""
