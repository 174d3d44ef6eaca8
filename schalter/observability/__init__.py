"""What operators see of a running Schalter: the health check's parts (`health`), the worker's
heartbeat (`tasks`), counts of answered requests (`requests`) and log lines without personal data
or capabilities (`logs`). Nothing here imports a domain app."""
