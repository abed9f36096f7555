"""Running a scenario: the session that plans, starts the backend, watches the run and writes the
run directory; the backends (the embedded stub, a real target) and their child processes."""
