"""Zebra (Einstein) logic puzzles: the model and clue relations (parse, verify), the
natural-language wording (read and write), the exact SAT counter, the unique-puzzle
generator and Hypothesis strategies."""
