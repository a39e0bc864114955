"""Legal holds (records a court or the director needs kept) and erasing a closed account."""
