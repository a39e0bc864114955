"""Support for Custodian's own test suite."""
