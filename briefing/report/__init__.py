"""Reports of a check: text, JSON, GitHub, SARIF, JUnit, `show` and the sources listing."""
