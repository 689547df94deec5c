package dev.hoist.registry;

import dev.hoist.HoistException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Builds the TLS context: the JDK's trust store, plus an extra CA, or (insecure) no checks at all. */
final class Tls {

    private Tls() {
    }

    static SSLContext context(boolean insecure, Path caCert) {
        try {
            var context = SSLContext.getInstance("TLS");
            TrustManager trust = insecure ? new TrustAll() : trustManager(caCert);
            context.init(null, new TrustManager[]{trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509TrustManager trustManager(Path caCert) throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caCert == null) {
            factory.init((KeyStore) null);
            return (X509TrustManager) factory.getTrustManagers()[0];
        }
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Keep the JDK's own roots beside the extra CA, as docker does with certs.d.
        var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        int i = 0;
        for (var cert : ((X509TrustManager) defaults.getTrustManagers()[0]).getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, cert);
        }
        try (InputStream in = Files.newInputStream(caCert)) {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new HoistException(caCert + ": no certificate in the file", HoistException.Kind.USAGE);
            }
            for (var cert : certs) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
        } catch (IOException e) {
            throw new HoistException(caCert + ": cannot read CA certificate: " + e.getMessage(), HoistException.Kind.USAGE, e);
        } catch (CertificateException e) {
            throw new HoistException(caCert + ": not a PEM certificate: " + e.getMessage(), HoistException.Kind.USAGE, e);
        }
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    /**
     * Accepts every certificate and host name. It extends {@link X509ExtendedTrustManager} so the
     * JDK does not add its own host name check on top.
     */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
