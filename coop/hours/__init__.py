"""Hours: logging, the timer, locked months, summaries, import and export of time entries."""
