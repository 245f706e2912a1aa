"""The practice app: home, practice, debrief and help screens and their widgets."""
