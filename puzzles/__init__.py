"""Puzzles: Sudoku and Zebra models, file formats, verifiers, reference solvers, generators. No torch."""
