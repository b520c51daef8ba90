"""Agent Console: run and supervise many AI coding agents and shells in real PTYs."""

__version__ = "0.1.0"
