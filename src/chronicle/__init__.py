"""chronicle: keep a chronicle of dated events as YAML files and search it from the terminal."""

__version__ = "0.1.0"
