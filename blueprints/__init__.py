"""One package per module (tickets, journal, …) plus `shared`, the cross-cutting web layer."""
