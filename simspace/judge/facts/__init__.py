"""Reported facts against a run: what the run observed of each fact's metric (`observe`), and
each fact's verdict and the run's fit score (`compare`)."""
