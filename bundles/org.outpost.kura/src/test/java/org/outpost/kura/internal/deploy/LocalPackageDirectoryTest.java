package org.outpost.kura.internal.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.outpost.api.ErrorCode;
import org.outpost.api.OutpostException;
import org.outpost.api.kura.DeploymentPackages;
import org.outpost.api.kura.PackageInfo;
import org.outpost.kura.internal.rest.RestRequest;
import org.outpost.kura.internal.rest.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code _install} reads local files only from the package directory; URLs pass as before. */
class LocalPackageDirectoryTest {
    @TempDir
    Path dataDir;

    private Path packages;
    private Path outside;
    private LocalPackageDirectory directory;
    private final List<URI> installed = new ArrayList<>();

    /** Records what would be installed: the package service itself is not what is tested here. */
    private final DeploymentPackages recorder = new DeploymentPackages() {
        @Override
        public List<PackageInfo> list() {
            return List.of();
        }

        @Override
        public Optional<PackageInfo> get(String name) {
            return Optional.empty();
        }

        @Override
        public PackageInfo install(InputStream in, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public PackageInfo install(URI url) {
            installed.add(url);
            return new PackageInfo("p", "1.0.0", List.of());
        }

        @Override
        public PackageInfo uninstall(String name) {
            throw new UnsupportedOperationException();
        }
    };

    @BeforeEach
    void layout() throws Exception {
        directory = LocalPackageDirectory.configured("", dataDir);
        directory.create();
        packages = dataDir.resolve("packages");
        Files.writeString(packages.resolve("ok.dp"), "dp");
        outside = Files.createDirectories(dataDir.resolve("elsewhere"));
        Files.writeString(outside.resolve("secret.dp"), "not for you");
    }

    private OutpostException refused(String location) {
        OutpostException e = assertThrows(OutpostException.class, () -> directory.resolve(location));
        assertEquals(ErrorCode.FORBIDDEN, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(packages.toString()), "the refusal names the directory: " + e.getMessage());
        return e;
    }

    @Test
    void theDefaultIsThePackagesFolderOfTheDataDirectory() {
        assertEquals(packages, directory.directory());
        assertTrue(Files.isDirectory(packages));
        assertEquals(dataDir.resolve("pkgs"), LocalPackageDirectory.configured("pkgs", dataDir).directory());
        assertEquals(Path.of("/srv/dp"), LocalPackageDirectory.configured("/srv/dp", dataDir).directory());
    }

    @Test
    void filesInsideAreInstalledByPathFileUrlOrRelativeName() throws Exception {
        URI expected = packages.resolve("ok.dp").toRealPath().toUri();

        assertEquals(expected, directory.resolve(packages.resolve("ok.dp").toString()));
        assertEquals(expected, directory.resolve(packages.resolve("ok.dp").toUri().toString()));
        assertEquals(expected, directory.resolve("ok.dp"));
        assertEquals(packages.resolve("missing.dp").toUri(), directory.resolve("missing.dp"), "a missing file inside is the service's 404");
    }

    @Test
    void filesOutsideAreForbidden() {
        refused(outside.resolve("secret.dp").toString());
        refused(outside.resolve("secret.dp").toUri().toString());
        refused("/etc/passwd");
        refused("file:///etc/passwd");
        refused("/no/such/file.dp");
    }

    @Test
    void dotDotCannotLeaveTheDirectory() {
        refused(packages + "/../elsewhere/secret.dp");
        refused("../elsewhere/secret.dp");
        refused("file://" + packages + "/../elsewhere/secret.dp");
        refused("../elsewhere/missing.dp");
    }

    @Test
    void symbolicLinksCannotLeaveTheDirectory() throws Exception {
        Files.createSymbolicLink(packages.resolve("link.dp"), outside.resolve("secret.dp"));
        Files.createSymbolicLink(packages.resolve("out"), outside);

        refused("link.dp");
        refused(packages.resolve("out/secret.dp").toString());
        refused("out/missing.dp");
        Files.createSymbolicLink(packages.resolve("inner.dp"), packages.resolve("ok.dp"));
        assertEquals(packages.resolve("ok.dp").toRealPath().toUri(), directory.resolve("inner.dp"), "a link that stays inside is fine");
    }

    @Test
    void aDirectoryReachedThroughALinkIsComparedByItsRealPath() throws Exception {
        Path real = Files.createDirectories(dataDir.resolve("real-packages"));
        Files.writeString(real.resolve("a.dp"), "dp");
        Path link = Files.createSymbolicLink(dataDir.resolve("linked"), real);
        LocalPackageDirectory linked = new LocalPackageDirectory(link);

        assertEquals(real.resolve("a.dp").toRealPath().toUri(), linked.resolve(link.resolve("a.dp").toString()));
        assertEquals(real.resolve("a.dp").toRealPath().toUri(), linked.resolve(real.resolve("a.dp").toString()));
    }

    @Test
    void httpUrlsPassUnchanged() {
        assertEquals(URI.create("https://repo.example/p.dp"), directory.resolve("https://repo.example/p.dp"));
        assertEquals(URI.create("http://127.0.0.1:8080/p.dp"), directory.resolve(" http://127.0.0.1:8080/p.dp "));
    }

    @Test
    void theRestInstallRefusesAFileOutsideWith403AndInstallsNothing() throws Exception {
        DeployRestResource rest = new DeployRestResource(recorder, directory);
        byte[] body = ("{\"url\": \"" + outside.resolve("secret.dp").toUri() + "\"}").getBytes(StandardCharsets.UTF_8);

        OutpostException e = assertThrows(OutpostException.class,
                () -> rest.handle(new RestRequest("POST", "/_install", Map.of(), "application/json", body, Map.of())));

        RestResponse answer = RestResponse.error(e.code(), e.getMessage());
        assertEquals(403, answer.status());
        JsonNode json = new ObjectMapper().readTree(answer.body());
        assertEquals("forbidden", json.path("code").asText());
        assertTrue(json.path("message").asText().contains(packages.toString()), json.toString());
        assertTrue(installed.isEmpty(), "nothing was read");

        byte[] inside = ("{\"url\": \"ok.dp\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals(200, rest.handle(new RestRequest("POST", "/_install", Map.of(), "application/json", inside, Map.of())).status());
        byte[] remote = ("{\"url\": \"https://repo.example/p.dp\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals(200, rest.handle(new RestRequest("POST", "/_install", Map.of(), "application/json", remote, Map.of())).status());
        assertEquals(List.of(packages.resolve("ok.dp").toRealPath().toUri(), URI.create("https://repo.example/p.dp")), installed);
    }
}
