"""thai-minutes: draft Thai meeting minutes (รายงานการประชุม) from Zoom recordings."""

__version__ = "0.1.0"
