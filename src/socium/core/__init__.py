"""Core building blocks: networks, populations, schedules, the engine loop."""
