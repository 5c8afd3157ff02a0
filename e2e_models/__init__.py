"""End-to-end models: one LightningModule per file, trained by ``LightningEstimator``."""
