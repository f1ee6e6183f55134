"""Rule families, one module each. Every module registers its rules with @engine.register."""
