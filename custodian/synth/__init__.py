"""Synthetic library generator (`custodian generate`) and the demo set-up."""
