"""Segmentation runs: embedding with a shared cache, the nlp pipeline, and persisted results."""
