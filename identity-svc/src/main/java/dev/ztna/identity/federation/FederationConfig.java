package dev.ztna.identity.federation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SSO through an upstream OpenID Connect IdP. The issuer, client id and secret also configure Quarkus OIDC (the
 * browser code flow), see application.properties.
 */
@ConfigMapping(prefix = "ztna.identity.federation")
public interface FederationConfig {

    /** Off by default: without it the SSO endpoints answer that federation is not configured. */
    @WithDefault("false")
    boolean enabled();

    /** The upstream issuer, e.g. https://sso.example.com/realms/corp (its discovery document is read at start). */
    Optional<String> issuer();

    @WithDefault("ztna-identity")
    String clientId();

    /** The confidential client's secret at the upstream IdP. Never logged. */
    Optional<String> clientSecret();

    /**
     * Encrypts the browser flow's state cookie (which holds the PKCE verifier); at least 32 characters and the same
     * on every identity-svc instance. Read by Quarkus OIDC (quarkus.oidc.authentication.state-secret). Never logged.
     */
    Optional<String> stateSecret();

    /** The ID token claim naming the local account to log in as. */
    @WithDefault("preferred_username")
    String usernameClaim();

    /** The ID token claim listing the upstream groups. */
    @WithDefault("groups")
    String groupsClaim();

    /**
     * Upstream group → local group. Only mapped groups reach the token (least privilege: an upstream group nobody
     * mapped grants nothing). E.g. {@code ztna.identity.federation.group-mapping."eng-all"=engineering}.
     */
    Map<String, String> groupMapping();

    /**
     * Upstream amr values (RFC 8176) that stand in for local MFA, e.g. {@code mfa,hwk}. Empty (the default): the
     * suite's own TOTP is always asked for after the upstream login.
     */
    Optional<List<String>> trustedAmr();

    /** The browser login's cookie is Secure (sent over HTTPS only); turn off only for plain-HTTP tests. */
    @WithDefault("true")
    boolean cookieSecure();

    /** SSO logins a source address may start per minute (each costs an upstream request). */
    @WithDefault("10")
    int startsPerMinute();

    /** Scopes asked of the upstream IdP in the device flow (the browser flow asks for Quarkus OIDC's). */
    @WithDefault("openid profile")
    String scopes();
}
