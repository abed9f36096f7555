"""Reported facts against a run: what the run observed of each fact's metric (`observe`, with the
facts about arrivals, rooms and refusals in `counts`, on the span and helpers of `span`), and
each fact's verdict and the run's fit score (`compare`)."""
