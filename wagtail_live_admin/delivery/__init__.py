"""Delivery: each update is recorded in the publish log, committed, then sent by the publisher."""
