"""reviewer: pre-publication and sweep review of government portal content (政务公开 形式性审查)."""

__version__ = "0.1.0"
