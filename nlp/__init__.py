"""VoxSeg language and modelling library: pure Python, no Django."""
