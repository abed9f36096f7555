"""What a run observed, as one versioned `RunResult` (result.json) built from the wire formats
of the two process sides: the load side's observations and the server's ground truth."""
