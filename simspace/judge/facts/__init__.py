"""Reported facts against a run: what the run shows for each fact metric (`observe`) and the
verdict and fit score (`compare`)."""
