package org.outpost.itests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An independent Modbus-TCP server: Debian's pymodbus (python3-pymodbus, installed by
 * scripts/test-prereqs.sh) running scripts/modbus-server.py on a loopback port with known values.
 */
final class ModbusServer implements AutoCloseable {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    final int port;
    private final Process process;

    private ModbusServer(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static ModbusServer start(Path repo, Path dir, String valuesJson) throws IOException {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("modbus-values.json"), valuesJson);
        Process process = new ProcessBuilder(PYTHON.toString(), repo.resolve("scripts/modbus-server.py").toString(),
                "--port", "0", "--config", config.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("modbus-server.log").toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready 127.0.0.1:")) {
            process.destroyForcibly();
            throw new IllegalStateException("scripts/modbus-server.py did not start (needs python3-pymodbus: scripts/test-prereqs.sh): "
                    + line + " " + Files.readString(dir.resolve("modbus-server.log")));
        }
        return new ModbusServer(Integer.parseInt(line.substring("ready 127.0.0.1:".length()).trim()), process);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
