"""The appendices: section order and headings of the region, overview and comparison appendices."""
