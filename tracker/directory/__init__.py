"""Active Directory / LDAP: sign-in against the city's directory and the directory sync (``tracker ldap sync``).

The directory is the source of truth for the people it knows: their name, mail, section and title are updated at
every sign-in and sync, they cannot have a local password, and people who left are deactivated, never deleted.
Local accounts (the first administrator, service accounts) keep working without the directory.
"""
