"""Where findings go: the terminal, JSON, JSON Lines (the review queue and reports live in store/)."""
