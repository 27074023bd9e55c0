"""Wires listen -> understand -> dialogue -> speak, with the reminders beside them."""
