"""Where posts come from: JSON API integrations (tokens) and which sources feed each channel."""
