"""The public endpoint readers' browsers call over HTTP: catch-up after a gap or a reconnect."""
