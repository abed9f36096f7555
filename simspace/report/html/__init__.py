"""The offline, script-free HTML report: page shell, charts (inline SVG), figures and the run's
story on the event clock."""
