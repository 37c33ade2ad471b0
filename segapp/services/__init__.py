"""Services: what VoxSeg does (writes and use cases). Doors call these."""
