"""Reusable widgets of the practice app (the review app may use them too)."""
