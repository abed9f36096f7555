"""Judging a run: reported facts (observe what the run shows for each metric, compare it with
what was reported), gates (parse, evaluate, abort early, the expectation outcome), and verdict
values with their wording. Pure: no I/O, no rendering."""
