"""Sudoku of any box shape: the model (parse, format, verify), mask propagation, the exact
SAT counter, the unique-puzzle generator and Hypothesis strategies."""
