"""Staff-training and service-standards coach: behaviour detection, standards scoring, simulation."""

__version__ = "0.1.0"
