"""Encoders: puzzles to token grids with hard-constraint masks, and back."""
