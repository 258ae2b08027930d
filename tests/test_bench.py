"""`glauber bench` as library calls."""

from puzzles.formats import read_text
from harness.bench import bench_file, bench_label, format_table
from harness.solving import ReferenceSolver


def test_labels_name_the_energy_of_glauber_only():
    assert bench_label("glauber", "penalty") == "glauber"
    assert bench_label("glauber", "lm") == "glauber lm"
    assert bench_label("reference", "lm") == "reference"


def test_bench_file_solves_times_and_summarizes_the_first_puzzles():
    pfile = read_text("p.txt", "1234341221434321\n" + "." * 16 + "\n" + "11" + "." * 14 + "\n")
    done = []
    row = bench_file(ReferenceSolver(), "reference", pfile, limit=2, progress=done.append)
    assert (row.dataset, row.energy, row.puzzles, row.solved, row.effort) == (
        "p.txt", "reference", 2, 2, "conflicts")
    assert sum(done) == 2 and row.wall_s > 0 and row.updates_per_second is None
    assert format_table([row]).splitlines()[0].startswith("| dataset | solver | puzzles |")
