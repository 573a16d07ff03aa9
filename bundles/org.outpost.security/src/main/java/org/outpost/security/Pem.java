package org.outpost.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.security.internal.PrivateKeys;
import org.outpost.security.internal.SecureFiles;

/**
 * PEM text for certificates (one or a chain), PKCS#8 private keys and PKCS#10 certificate signing
 * requests, in memory and in files. Private files are written with mode 0600 from the start.
 * Malformed text fails with {@link ErrorCode#INVALID_ARGUMENT}; unreadable or malformed files
 * with {@link ErrorCode#INTERNAL}; both as {@link OutpostException}.
 */
public final class Pem {

    public static final String CERTIFICATE = "CERTIFICATE";
    public static final String PRIVATE_KEY = "PRIVATE KEY";
    public static final String CERTIFICATE_REQUEST = "CERTIFICATE REQUEST";

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final int LINE_LENGTH = 64;

    private Pem() {
    }

    // ---- encoding and decoding ----------------------------------------------------------------

    /** One PEM block of {@code type} around {@code der}, ending with a newline. */
    public static String encode(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(LINE_LENGTH, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
    }

    /** The DER contents of every block of {@code type} in {@code pem}, in order; others are skipped. */
    public static List<byte[]> decode(String type, String pem) {
        if (pem == null) {
            throw invalid("PEM text is missing");
        }
        List<byte[]> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(pem);
        while (matcher.find()) {
            if (matcher.group(1).equals(type)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
                } catch (IllegalArgumentException e) {
                    throw invalid("PEM block " + type + " is not valid base64");
                }
            }
        }
        return blocks;
    }

    /** A certificate chain, leaf first, as consecutive CERTIFICATE blocks. */
    public static String encodeCertificates(List<X509Certificate> chain) {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(encodeCertificate(certificate));
        }
        return pem.toString();
    }

    public static String encodeCertificate(X509Certificate certificate) {
        try {
            return encode(CERTIFICATE, certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new OutpostException(ErrorCode.INTERNAL, "cannot encode certificate: " + e.getMessage(), e);
        }
    }

    /** Every CERTIFICATE block in {@code pem}, in order; at least one. */
    public static List<X509Certificate> decodeCertificates(String pem) {
        List<byte[]> blocks = decode(CERTIFICATE, pem);
        if (blocks.isEmpty()) {
            throw invalid("PEM text contains no CERTIFICATE block");
        }
        List<X509Certificate> certificates = new ArrayList<>(blocks.size());
        for (byte[] der : blocks) {
            certificates.add(certificateFromDer(der));
        }
        return List.copyOf(certificates);
    }

    /** The first certificate in {@code pem}. */
    public static X509Certificate decodeCertificate(String pem) {
        return decodeCertificates(pem).get(0);
    }

    /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
    public static String encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat()) || key.getEncoded() == null) {
            throw new OutpostException(ErrorCode.INTERNAL,
                    "private key of type " + key.getAlgorithm() + " has no PKCS#8 encoding");
        }
        return encode(PRIVATE_KEY, key.getEncoded());
    }

    /**
     * The first unencrypted private key in {@code pem}: PKCS#8 ({@code PRIVATE KEY}) or the
     * OpenSSL forms {@code EC PRIVATE KEY} and {@code RSA PRIVATE KEY}.
     */
    public static PrivateKey decodePrivateKey(String pem) {
        List<byte[]> pkcs8 = decode(PRIVATE_KEY, pem);
        if (!pkcs8.isEmpty()) {
            return PrivateKeys.fromPkcs8(pkcs8.get(0));
        }
        if (!decode("ENCRYPTED PRIVATE KEY", pem).isEmpty()) {
            throw invalid("encrypted private keys are not supported; store the key unencrypted with mode 0600");
        }
        return PrivateKeys.fromOpenSslPem(pem);
    }

    /** A PKCS#10 request as a {@code CERTIFICATE REQUEST} block. */
    public static String encodeCsr(byte[] der) {
        return encode(CERTIFICATE_REQUEST, der);
    }

    /** The DER of the first {@code CERTIFICATE REQUEST} (or {@code NEW CERTIFICATE REQUEST}) block. */
    public static byte[] decodeCsr(String pem) {
        List<byte[]> blocks = decode(CERTIFICATE_REQUEST, pem);
        if (blocks.isEmpty()) {
            blocks = decode("NEW " + CERTIFICATE_REQUEST, pem);
        }
        if (blocks.isEmpty()) {
            throw invalid("PEM text contains no CERTIFICATE REQUEST block");
        }
        return blocks.get(0);
    }

    // ---- files --------------------------------------------------------------------------------

    /** Writes a certificate chain, leaf first, atomically with mode 0644. */
    public static void writeCertificates(Path file, List<X509Certificate> chain) {
        byte[] content = encodeCertificates(chain).getBytes(StandardCharsets.US_ASCII);
        try {
            SecureFiles.writePublic(file, content);
        } catch (IOException e) {
            throw cannot("write", file, e);
        }
    }

    public static List<X509Certificate> readCertificates(Path file) {
        return decodeFile(file, Pem::decodeCertificates);
    }

    /** Writes {@code key} as PKCS#8 PEM; the file has mode 0600 from creation on. */
    public static void writePrivate(Path file, PrivateKey key) {
        writePrivate(file, encodePrivateKey(key));
    }

    /**
     * Writes any secret text (a key, a token) atomically: a temporary file created with mode 0600
     * replaces {@code file}, so the content is never readable by others, not even briefly.
     */
    public static void writePrivate(Path file, String content) {
        try {
            SecureFiles.writePrivate(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw cannot("write", file, e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) {
        return decodeFile(file, Pem::decodePrivateKey);
    }

    // ---- helpers ------------------------------------------------------------------------------

    static X509Certificate certificateFromDer(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw invalid("not a valid X.509 certificate: " + e.getMessage());
        }
    }

    /** Decodes a file's content; a file that does not decode is reported as {@link ErrorCode#INTERNAL}. */
    private static <T> T decodeFile(Path file, Function<String, T> decoder) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw cannot("read", file, e);
        }
        try {
            return decoder.apply(content);
        } catch (OutpostException e) {
            throw new OutpostException(ErrorCode.INTERNAL, file + ": " + e.getMessage(), e);
        }
    }

    private static OutpostException invalid(String reason) {
        return new OutpostException(ErrorCode.INVALID_ARGUMENT, reason);
    }

    private static OutpostException cannot(String verb, Path file, IOException e) {
        return new OutpostException(ErrorCode.INTERNAL, "cannot " + verb + " " + file + ": " + e, e);
    }
}
