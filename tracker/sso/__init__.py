"""Single sign-on with OpenID Connect (Authlib): discovery, the authorization code flow with PKCE, and the claims
mapped onto the same user fields the directory fills. ``TRACKER_OIDC_ONLY`` leaves password sign-in to local
administrators only (the IT department's way in when the identity provider is down)."""
