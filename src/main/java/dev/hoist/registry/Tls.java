package dev.hoist.registry;

import dev.hoist.HoistException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Builds the TLS context: the JDK's trust store plus extra CAs, or (insecure) no checks at all;
 * and a client certificate for mutual TLS when one is given.
 */
final class Tls {

    /** The TLS files for one registry. */
    record Files(List<Path> caCerts, Path clientCert, Path clientKey) {
    }

    private Tls() {
    }

    /**
     * For a client that only speaks plain HTTP: a context that refuses to make TLS connections,
     * without loading the JDK's TLS provider or reading its trust store (a tenth of a second).
     */
    static SSLContext plainOnly() {
        return new SSLContext(new PlainOnlySpi(), null, "none") {
        };
    }

    private static final class PlainOnlySpi extends javax.net.ssl.SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("TLS requested from the plain-HTTP client");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, java.security.SecureRandom sr) {
        }

        @Override
        protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }

        @Override
        protected javax.net.ssl.SSLParameters engineGetDefaultSSLParameters() {
            return new javax.net.ssl.SSLParameters();
        }

        @Override
        protected javax.net.ssl.SSLParameters engineGetSupportedSSLParameters() {
            return new javax.net.ssl.SSLParameters();
        }
    }

    static SSLContext context(Files files, boolean insecure) {
        return context(insecure, files.caCerts(), files.clientCert(), files.clientKey());
    }

    /**
     * Contexts already built, by their inputs (files with their modification times): checking the
     * flags, each registry's client and Jib's default share one, the trust store read once.
     */
    private static final java.util.Map<List<Object>, SSLContext> BUILT = new java.util.concurrent.ConcurrentHashMap<>();

    static SSLContext context(boolean insecure, List<Path> caCerts, Path clientCert, Path clientKey) {
        if ((clientCert == null) != (clientKey == null)) {
            throw new HoistException("a client certificate needs its key: give both --cert and --key", HoistException.Kind.USAGE);
        }
        var key = new java.util.ArrayList<Object>();
        key.add(insecure);
        for (var file : caCerts) {
            key.add(file.toAbsolutePath());
            key.add(modified(file));
        }
        key.add(clientCert == null ? "" : clientCert.toAbsolutePath() + "@" + modified(clientCert));
        key.add(clientKey == null ? "" : clientKey.toAbsolutePath() + "@" + modified(clientKey));
        var cached = BUILT.get(key);
        if (cached != null) {
            return cached;
        }
        var built = build(insecure, caCerts, clientCert, clientKey);
        BUILT.put(List.copyOf(key), built);
        return built;
    }

    private static long modified(Path file) {
        try {
            return java.nio.file.Files.getLastModifiedTime(file).toMillis();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static SSLContext build(boolean insecure, List<Path> caCerts, Path clientCert, Path clientKey) {
        try {
            var context = SSLContext.getInstance("TLS");
            TrustManager trust = insecure ? new TrustAll() : trustManager(caCerts);
            KeyManager[] keys = clientCert == null ? null : keyManagers(clientCert, clientKey);
            context.init(keys, new TrustManager[]{trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509TrustManager trustManager(List<Path> caCerts) throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caCerts.isEmpty()) {
            factory.init((KeyStore) null);
            return (X509TrustManager) factory.getTrustManagers()[0];
        }
        var store = emptyStore();
        // Keep the JDK's own roots beside the extra CAs, as docker does with certs.d.
        var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        int i = 0;
        for (var cert : ((X509TrustManager) defaults.getTrustManagers()[0]).getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + i++, cert);
        }
        for (var file : caCerts) {
            for (var cert : certificates(file)) {
                store.setCertificateEntry("ca-" + i++, cert);
            }
        }
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws GeneralSecurityException {
        var chain = certificates(certFile).toArray(new Certificate[0]);
        var key = privateKey(keyFile);
        var store = emptyStore();
        var password = new char[0];
        store.setKeyEntry("client", key, password, chain);
        var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return store;
    }

    private static List<? extends Certificate> certificates(Path file) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            var certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new HoistException(file + ": no certificate in the file", HoistException.Kind.USAGE);
            }
            return certs;
        } catch (IOException e) {
            throw new HoistException(file + ": cannot read certificate: " + e.getMessage(), HoistException.Kind.USAGE, e);
        } catch (CertificateException e) {
            throw new HoistException(file + ": not a PEM certificate: " + e.getMessage(), HoistException.Kind.USAGE, e);
        }
    }

    /** A PEM private key: PKCS#8 (RSA or EC), or PKCS#1 RSA as older openssl writes. */
    private static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = java.nio.file.Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new HoistException(file + ": cannot read key: " + e.getMessage(), HoistException.Kind.USAGE, e);
        }
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        if (!pkcs1 && !pem.contains("BEGIN PRIVATE KEY")) {
            throw new HoistException(file + ": not an unencrypted PEM private key (convert it with: openssl pkcs8 -topk8 -nocrypt)",
                    HoistException.Kind.USAGE);
        }
        var body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var der = Base64.getDecoder().decode(body);
        if (pkcs1) {
            der = pkcs1ToPkcs8(der);
        }
        for (var algorithm : new String[]{"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // Try the next algorithm.
            }
        }
        throw new HoistException(file + ": unsupported private key (RSA or EC in PKCS#8 expected)", HoistException.Kind.USAGE);
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        var inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[]{0x02, 0x01, 0x00});
        inner.writeBytes(algorithm);
        inner.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, inner.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        var out = new ByteArrayOutputStream();
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(value);
        return out.toByteArray();
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
