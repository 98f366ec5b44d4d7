"""A load benchmark of the ticket list against a bare Flask app; see bench/README.md (not part of the tests)."""
