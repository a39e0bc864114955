"""How long each record is kept (the profile's [retention] schedule) and `custodian purge`."""
