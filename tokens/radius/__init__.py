"""The research servers' RADIUS front door (API.md "RADIUS front door"): the remote-access gateway
asks BOA over RADIUS, IDENT + PIN then the code, and BOA answers with the same PIN check, lockout,
replay rule, SMS and ``login`` decision as the HTTP login.

``models`` the gateways (NAS clients) with their sealed shared secrets; ``clients`` the service
verbs that register them; ``packets`` the wire format's strict checks (pure); ``messages`` the
Reply-Message texts; ``login`` the two rounds against the database; ``server`` the UDP loop."""
