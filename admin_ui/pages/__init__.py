"""Page controllers, one module per area of the admin pages."""
