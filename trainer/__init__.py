"""empathy-trainer: practise hard customer conversations with feedback after every reply."""

__version__ = "0.1.0"
