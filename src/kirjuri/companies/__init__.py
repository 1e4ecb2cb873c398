"""Companies (Procountor environments), users, memberships with rights, and company settings."""
