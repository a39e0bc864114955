"""The patron's own door: sign in with card and PIN, see and take away what is kept."""
