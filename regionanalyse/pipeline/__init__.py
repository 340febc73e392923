"""The build: plan appendices, execute notebooks, render HTML/PDF, publish atomically."""
