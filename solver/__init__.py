"""Energies, the Glauber sampler and annealing schedules. Sees only tensors, never puzzles."""
