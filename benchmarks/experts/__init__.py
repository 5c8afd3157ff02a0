"""Reference systems that are neither side of a pair: privileged driving experts, rule-based translation."""
