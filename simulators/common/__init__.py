"""What the three simulators and the harness share: the clock, the domain vocabulary,
the SEVIS <-> portal messages, the portal's contract types and driver protocol, and the
loopback names. Nothing here or in the simulators imports the harness."""
