"""What both faces (the API and the admin pages) need of the web: the deny-by-default guard, the
session cookie and CSRF names, the request's database session, and the transaction per request."""
