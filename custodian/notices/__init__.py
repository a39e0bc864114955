"""Due-soon, overdue and hold-ready notices, each composed through the door and the engine
for the patron's chosen channel. See docs/notices.md."""
