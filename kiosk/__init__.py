"""knygomatas: self-service kiosk and hold-pickup locker controller for public libraries."""

__version__ = "0.1.0"
