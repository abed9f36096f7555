"""Every format that crosses a process boundary, typed once and imported by writer and reader:
load configuration, observation lines, the platform's ground truth, server arguments and the
ready file."""
