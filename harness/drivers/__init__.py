"""Portal drivers: one protocol, an in-memory and an HTTP implementation."""
