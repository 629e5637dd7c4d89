"""The world a portal lives in: fake SEVIS, fake mail, and the reference portal."""
