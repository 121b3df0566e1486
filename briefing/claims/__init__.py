"""Reading the claims file: its bytes, its YAML nodes, its schema."""
