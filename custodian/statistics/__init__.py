"""Statistics that identify no one: counts written at each act, small cells suppressed."""
