"""Presentation: Norwegian formatting, labels, tables, static and interactive maps, HTML blocks. Computes nothing."""
