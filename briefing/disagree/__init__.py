"""Where the sources disagree: the cross-source figure pass (issue 7)."""
