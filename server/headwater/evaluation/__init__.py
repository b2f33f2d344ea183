"""Scoring Headwater against hand-written gold: which sources a page relies on."""
