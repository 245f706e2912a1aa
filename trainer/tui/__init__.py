"""The Textual apps: the trainee's practice app (`app.py`) and the lead's review app.

This is the only package that imports textual; it drives `trainer.engine.session.Session` and holds no
scoring, mood or prompt logic of its own.
"""
