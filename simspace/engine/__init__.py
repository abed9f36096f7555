"""The virtual-time engine: the same listener and host scripts as the Locust engine, driven
against the same platform model in process, on a virtual clock. No sockets, no processes, no
wall clock: one seed, one result."""
