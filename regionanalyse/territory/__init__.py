"""The territory a proposal covers: membership in any year, seats, geometry, validation, edits."""
