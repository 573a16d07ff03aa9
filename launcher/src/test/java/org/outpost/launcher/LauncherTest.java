package org.outpost.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void argumentsTakeBothOptionFormsAndRejectUnknownOnes() throws Exception {
        Arguments a = Arguments.parse(List.of("--data-dir", "/x", "--https-port=7443", "rest"),
                Set.of("data-dir", "https-port"), Set.of(), false);
        assertEquals("/x", a.get("data-dir"));
        assertEquals("7443", a.get("https-port"));
        assertEquals(List.of("rest"), a.positional());
        UsageException unknown = assertThrows(UsageException.class,
                () -> Arguments.parse(List.of("--bogus", "1"), Set.of("data-dir"), Set.of(), false));
        assertEquals("unknown option --bogus", unknown.getMessage());
        assertThrows(UsageException.class, () -> Arguments.parse(List.of("--data-dir"), Set.of("data-dir"), Set.of(), false));
    }

    @Test
    void shellArgumentsStopAtTheCommand() throws Exception {
        Arguments a = Arguments.parse(List.of("--data-dir", "/x", "edge:nodes", "-o", "json"), Set.of("data-dir"), Set.of(), true);
        assertEquals(List.of("edge:nodes", "-o", "json"), a.positional());
    }

    @Test
    void nodeNamesLabelsPortsAndUrlsAreValidated() throws Exception {
        assertEquals("gw-1", Main.nodeName("gw-1"));
        assertThrows(UsageException.class, () -> Main.nodeName("GW_1"));
        assertThrows(UsageException.class, () -> Main.nodeName("-gw"));
        assertEquals("site=plant-a,zone=boiler", Labels.check("site=plant-a, zone=boiler"));
        assertThrows(UsageException.class, () -> Labels.check("site"));
        assertThrows(UsageException.class, () -> Labels.check("a=b c"));
        assertEquals(6443, Main.port("6443"));
        assertThrows(UsageException.class, () -> Main.port("70000"));
        assertThrows(UsageException.class, () -> Main.port("x"));
        Main.serverUrl("https://127.0.0.1:6443");
        assertThrows(UsageException.class, () -> Main.serverUrl("http://127.0.0.1:6443"));
        assertThrows(UsageException.class, () -> Main.serverUrl("127.0.0.1"));
        assertEquals("docker", Main.runtimes("docker"));
        assertEquals("", Main.runtimes(""));
        assertEquals("", Main.runtimes("bundle"));
        assertEquals("--runtime must be docker (bundles and features run on every node), got 'podman'",
                assertThrows(UsageException.class, () -> Main.runtimes("podman")).getMessage());
    }

    @Test
    void manifestFilesAreResolvedWhereTheUserTypedThem() {
        Path cwd = Path.of("/home/ops/site-a");
        assertEquals(List.of("edge:deploy", "-f", "/home/ops/site-a/thermo.yaml"),
                Main.withAbsoluteFiles(List.of("edge:deploy", "-f", "thermo.yaml"), cwd));
        assertEquals(List.of("edge:deploy", "--filename", "/home/ops/x.yaml"),
                Main.withAbsoluteFiles(List.of("edge:deploy", "--filename", "../x.yaml"), cwd));
        assertEquals(List.of("edge:deploy", "-f", "/etc/outpost/m.yaml"),
                Main.withAbsoluteFiles(List.of("edge:deploy", "-f", "/etc/outpost/m.yaml"), cwd));
        assertEquals(List.of("edge:nodes", "-o", "json"), Main.withAbsoluteFiles(List.of("edge:nodes", "-o", "json"), cwd));
    }

    @Test
    void consoleLinesQuoteWhatTheConsoleWouldSplit() {
        assertEquals("edge:label gw-1 site=a", Main.consoleLine(List.of("edge:label", "gw-1", "site=a")));
        assertEquals("edge:token create --description \"two words\"",
                Main.consoleLine(List.of("edge:token", "create", "--description", "two words")));
        assertEquals("'it'\\''s'", Main.quote("it's"));
    }

    @Test
    void consoleKeyIsAnEcdsaP256KeyInOpenSshWireFormatWhosePrivateHalfIsPkcs8() throws Exception {
        for (int i = 0; i < 20; i++) { // coordinates with leading zero bytes come up now and then
            ConsoleKey key = ConsoleKey.generate();
            ByteBuffer wire = ByteBuffer.wrap(Base64.getDecoder().decode(key.sshPublicKeyBase64()));
            assertEquals("ecdsa-sha2-nistp256", new String(next(wire), StandardCharsets.US_ASCII));
            assertEquals("nistp256", new String(next(wire), StandardCharsets.US_ASCII));
            byte[] point = next(wire);
            assertEquals(65, point.length);
            assertEquals(4, point[0]);
            assertFalse(wire.hasRemaining());

            String pem = key.privateKeyPem();
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
            byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            assertEquals(138, pkcs8.length);
            assertArrayEquals(point, Arrays.copyOfRange(pkcs8, 73, 138), "the public point is inside, as SSH clients need");
            KeyFactory ec = KeyFactory.getInstance("EC");
            ECPrivateKey privateKey = (ECPrivateKey) ec.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            ECPublicKey published = (ECPublicKey) ec.generatePublic(new ECPublicKeySpec(new ECPoint(
                    new BigInteger(1, Arrays.copyOfRange(point, 1, 33)), new BigInteger(1, Arrays.copyOfRange(point, 33, 65))),
                    privateKey.getParams()));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(privateKey);
            signer.update(new byte[] {1, 2, 3});
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(published);
            verifier.update(new byte[] {1, 2, 3});
            assertTrue(verifier.verify(signature), "the published key is the private key's other half");
        }
    }

    private static byte[] next(ByteBuffer wire) {
        byte[] value = new byte[wire.getInt()];
        wire.get(value);
        return value;
    }

    @Test
    void cfgFileReplacesAssignmentsAndKeepsTheRest() throws Exception {
        Path cfg = tmp.resolve("x.cfg");
        Files.writeString(cfg, "# comment\nsshPort = 8101\nsshHost = 0.0.0.0\nother = 1\n");
        CfgFile.set(cfg, Map.of("sshHost", "127.0.0.1", "authMethods", "publickey"));
        assertEquals("# comment\nsshPort = 8101\nsshHost = 127.0.0.1\nother = 1\nauthMethods = publickey\n",
                Files.readString(cfg));
        assertEquals("127.0.0.1", CfgFile.get(cfg, "sshHost"));
    }

    @Test
    void preparedInstanceHasAKeyOnlyLoopbackConsole() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/org.apache.karaf.shell.cfg"), "sshPort = 8101\nsshHost = 0.0.0.0\n");
        Files.writeString(home.resolve("etc/org.apache.karaf.features.cfg"), "autoRefresh=true\n");
        Instance instance = new Instance(home, tmp.resolve("data"));
        instance.prepare();
        Path shell = instance.etc().resolve("org.apache.karaf.shell.cfg");
        assertEquals("127.0.0.1", CfgFile.get(shell, "sshHost"));
        assertEquals("publickey", CfgFile.get(shell, "authMethods"));
        assertEquals("EC", CfgFile.get(shell, "algorithm"));
        int port = instance.consolePort();
        assertTrue(port > 0 && port != 8101);
        assertEquals("false", CfgFile.get(instance.etc().resolve("org.apache.karaf.features.cfg"), "autoRefresh"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(instance.consoleKey()));
        String user = CfgFile.get(instance.etc().resolve("keys.properties"), Instance.CONSOLE_USER);
        assertTrue(user.endsWith(",_g_:admingroup"), user);
        String key = Files.readString(instance.consoleKey());
        instance.prepare();
        assertEquals(key, Files.readString(instance.consoleKey()), "the key is made once");
        assertEquals(port, instance.consolePort(), "a free recorded port is kept");
    }

    @Test
    void restPortIsAPortZeroOrOffAndZeroIsKeptForTheNextStart() throws Exception {
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve("etc"));
        Instance instance = new Instance(home, tmp.resolve("data"));
        Path cfg = instance.etc().resolve("org.outpost.kura.rest.cfg");

        Main.configureRest(instance, "0");
        assertEquals("0", CfgFile.get(cfg, "port"));
        assertEquals(0, instance.restPort(), "a recorded 0 means a free port at every start");
        Main.configureRest(instance, null);
        assertEquals("0", CfgFile.get(cfg, "port"), "no option keeps what was chosen");

        Main.configureRest(instance, "9443");
        assertEquals("9443", CfgFile.get(cfg, "port"));
        assertEquals("true", CfgFile.get(cfg, "enabled"));
        Main.configureRest(instance, "off");
        assertEquals("false", CfgFile.get(cfg, "enabled"));

        assertEquals("--rest-port must be a port from 1 to 65535, 0 for any free port, or off; got '70000'",
                assertThrows(UsageException.class, () -> Main.configureRest(instance, "70000")).getMessage());
        assertEquals("false", CfgFile.get(cfg, "enabled"), "a refused option changes nothing");
    }

    @Test
    void usageErrorsNameTheProblem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Main main = new Main(tmp, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("unknown command 'launch' (try: outpost --help)",
                assertThrows(UsageException.class, () -> main.run(List.of("launch"))).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> main.run(List.of("agent", "--data-dir", tmp.resolve("a").toString(),
                "--server", "https://127.0.0.1:6443"))).getMessage().startsWith("first join needs --token or --token-file"));
        assertEquals(0, main.run(List.of("server", "--help")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: outpost server"));
    }
}
