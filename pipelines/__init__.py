"""Handcrafted-feature pipelines: one feature extractor per file, tuned by ``TunedPipeline``."""
