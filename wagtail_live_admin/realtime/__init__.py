"""Readers' websockets: the consumer, admission, the fan-out and presence (who is watching)."""
