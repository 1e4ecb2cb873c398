"""The developer portal: sign-up, testing environments, API keys and pending confirmations."""
