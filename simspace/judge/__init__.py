"""Judging, pure (no I/O, no HTML, no console): reported facts against a run (`facts`), gates
(`gates`), what both measure (`measures`), the ranking of several runs (`ranking`), and verdict
values with their wording."""
