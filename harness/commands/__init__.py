"""The `glauber` commands, one module each (solve, verify, check, bench, report, train,
generate), added to the group in `cli.py`; `common` and `options` hold what they share.
The CLI's floor: nothing else in the library imports these modules."""
