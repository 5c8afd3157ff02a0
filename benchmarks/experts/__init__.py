"""Privileged experts: drivers that read the simulator's state, used as teachers and upper bounds."""
