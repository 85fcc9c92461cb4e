package dev.hwf.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 1-node torchrun task through bin/hwf on local and on the local Slurm, with a fake torchrun
 * first on PATH that prints what it was started with: the launch line and rendezvous environment
 * reach it as documented (the head node from the allocation, a port in 29500..29999).
 */
class LaunchIT {
    @TempDir
    Path scratch;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "slurm"})
    void torchrunGetsTheDocumentedArgumentsAndEnvironment(String scheduler) throws Exception {
        Hwf hwf = new Hwf(scratch, "local".equals(scheduler) ? "0.3" : "1");
        Path bin = Files.createDirectories(scratch.resolve("bin"));
        Path fake = bin.resolve("torchrun");
        Files.writeString(fake, """
                #!/bin/bash
                printf 'arg:%s\\n' "$@"
                echo "MASTER_ADDR=$MASTER_ADDR"
                echo "MASTER_PORT=$MASTER_PORT"
                echo "WORLD_SIZE=$WORLD_SIZE"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        hwf.env.put("PATH", bin + ":" + System.getenv("PATH"));
        Path work = Files.createDirectories(scratch.resolve("work"));
        Path wf = scratch.resolve("ddp.yaml");
        Files.writeString(wf, """
                name: ddp
                defaults: { partition: cpu }
                tasks:
                  - name: train
                    launcher: torchrun
                    ntasks: 2
                    command: train.py --epochs 3
                """);
        Hwf.Result r = hwf.run("submit", wf.toString(), "--set", "scheduler=" + scheduler,
                "--set", "site.workdir=" + work);
        assertEquals(0, r.code(), r.all());
        String run = Hwf.runId(r);
        List<String> out = Files.readAllLines(work.resolve(run).resolve("train").resolve("out.1.0.log"));
        assertEquals(List.of("arg:--nnodes=1", "arg:--nproc_per_node=2", "arg:--rdzv_backend=c10d"),
                out.subList(0, 3), out.toString());
        String endpoint = out.get(3);
        assertTrue(endpoint.startsWith("arg:--rdzv_endpoint="), out.toString());
        String addr = endpoint.substring("arg:--rdzv_endpoint=".length(), endpoint.lastIndexOf(':'));
        int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        assertTrue(port >= 29500 && port < 30000, out.toString());
        if ("local".equals(scheduler)) {
            assertEquals("127.0.0.1", addr);
        } else {
            assertTrue(!addr.isEmpty(), "the head node comes from scontrol: " + out);
        }
        assertEquals(List.of("arg:train.py", "arg:--epochs", "arg:3", "MASTER_ADDR=" + addr, "MASTER_PORT=" + port,
                "WORLD_SIZE=2"), out.subList(4, 10));
    }
}
