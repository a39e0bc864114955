"""Moving a library in and out: imports from the ILS being left and exports in the same
formats (docs/import.md). Personal data goes in through the write services (sealed at rest)
and out through the door."""
