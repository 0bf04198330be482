"""What every scheme kind shares: projects, their numbers and their members."""
