"""The conversation engine: session, rules, mood and coaching; knows nothing of any UI."""
