"""One module per CLI sub-command; each exposes `main(args) -> int`."""
