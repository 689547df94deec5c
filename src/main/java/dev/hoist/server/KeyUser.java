package dev.hoist.server;

import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.auth.pubkey.AuthorizedKeyEntriesPublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.function.Predicate;

/**
 * Who a session is: the key that logged in, named by its comment in authorized_keys or, without
 * one, by its fingerprint. Never the login name the client asked for, which anyone can choose.
 */
record KeyUser(String name, String fingerprint) {

    static final AttributeRepository.AttributeKey<KeyUser> ATTRIBUTE = new AttributeRepository.AttributeKey<>();

    static KeyUser of(Session session) {
        var user = session.getAttribute(ATTRIBUTE);
        if (user == null) {
            throw new IllegalStateException("session without an authenticated key");
        }
        return user;
    }

    /**
     * Checks keys against the authorized_keys file (MINA re-reads it when it changes) and, on a
     * match, records the {@link KeyUser} on the session. {@code admit} may still refuse a known key
     * (and disconnect it with a reason), e.g. when too many sessions are open.
     */
    static PublickeyAuthenticator authenticator(Path authorizedKeys, Predicate<ServerSession> admit) {
        var file = new AuthorizedKeysAuthenticator(authorizedKeys) {
            @Override
            protected boolean isValidUsername(String username, ServerSession session) {
                // The login name does not pick the user here; an empty one is as good as any.
                return true;
            }
        };
        return (username, key, session) -> {
            boolean known;
            // One at a time: while MINA re-reads the file it rejects every key, so a login that
            // came during another's re-read would be refused.
            synchronized (file) {
                known = file.authenticate(username, key, session);
            }
            if (!known || !admit.test(session)) {
                return false;
            }
            var entry = session.getAttribute(AuthorizedKeyEntriesPublickeyAuthenticator.AUTHORIZED_KEY);
            var comment = entry != null ? entry.getComment() : null;
            var fingerprint = fingerprint(key);
            var name = comment != null && !comment.isBlank() ? comment.strip().replaceAll("\\s+", "_") : fingerprint;
            session.setAttribute(ATTRIBUTE, new KeyUser(name, fingerprint));
            return true;
        };
    }

    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }
}
