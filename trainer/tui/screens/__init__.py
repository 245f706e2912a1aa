"""Screens of the practice app: home, practice, debrief, help."""
