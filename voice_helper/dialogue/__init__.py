"""Decide: the conversation state machine that turns intents into replies."""
