"""Privacy duties: consent, withdrawal from runs, access and erasure requests, retention."""
