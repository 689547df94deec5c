package dev.hoist.support

/** Certificates made at test time with openssl: a CA, a server certificate for 127.0.0.1 it signs, a signing key. */
class Certs {

    final File dir
    final File caCert
    final File caKey
    final File serverCert
    final File serverKey
    final File clientCert
    final File clientKey

    Certs(File dir) {
        this.dir = dir
        dir.mkdirs()
        caKey = new File(dir, 'ca.key')
        caCert = new File(dir, 'ca.crt')
        serverKey = new File(dir, 'server.key')
        serverCert = new File(dir, 'server.crt')
        def csr = new File(dir, 'server.csr')
        def ext = new File(dir, 'server.ext')
        ext.text = "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        Proc.ok(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey.path, '-out', caCert.path,
                 '-days', '2', '-subj', '/CN=hoist test CA'])
        Proc.ok(['openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', serverKey.path, '-out', csr.path,
                 '-subj', '/CN=127.0.0.1'])
        Proc.ok(['openssl', 'x509', '-req', '-in', csr.path, '-CA', caCert.path, '-CAkey', caKey.path, '-CAcreateserial',
                 '-out', serverCert.path, '-days', '2', '-extfile', ext.path])
        clientKey = new File(dir, 'client.key')
        clientCert = new File(dir, 'client.cert')
        def clientCsr = new File(dir, 'client.csr')
        def clientExt = new File(dir, 'client.ext')
        clientExt.text = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n"
        Proc.ok(['openssl', 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', clientKey.path, '-out', clientCsr.path,
                 '-subj', '/CN=hoist test client'])
        Proc.ok(['openssl', 'x509', '-req', '-in', clientCsr.path, '-CA', caCert.path, '-CAkey', caKey.path, '-CAcreateserial',
                 '-out', clientCert.path, '-days', '2', '-extfile', clientExt.path])
    }

    /** A self-signed certificate and its PKCS#8 key, for signing tokens. */
    static Map<String, File> signing(File dir) {
        dir.mkdirs()
        def key = new File(dir, 'token.key')
        def cert = new File(dir, 'token.crt')
        Proc.ok(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key.path, '-out', cert.path,
                 '-days', '2', '-subj', '/CN=hoist test token issuer'])
        [key: key, cert: cert]
    }
}
