"""SPCP Live: live breakout rooms for Strengthening Police and Community Partnerships."""
