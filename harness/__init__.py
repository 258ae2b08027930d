"""The evaluation harness: run any solver over puzzles and verify every answer (solving),
benchmark tables (bench), accuracy reports (report, plots) and Ray sharding (distributed)."""
