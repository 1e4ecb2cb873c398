"""OAuth2 authorization server: API clients, API keys, codes and tokens, login and consent pages."""
