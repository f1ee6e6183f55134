"""Link checking: collection from pages (collect), one shared async checker (client), verdicts (classify)."""
