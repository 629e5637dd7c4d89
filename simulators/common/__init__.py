"""What the three simulators and the harness share: the clock, the domain vocabulary,
the SEVIS <-> portal messages and the portal's contract types."""
