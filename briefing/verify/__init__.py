"""The pure, single-process check: quotes matched in folded text, failures explained, figures backed."""
