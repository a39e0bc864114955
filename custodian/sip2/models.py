"""The SIP accounts machines sign in with (issue 12)."""
